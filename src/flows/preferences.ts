/**
 * The person's saved language and time zone (docs/product.md "Branding and language"): pages and emails speak
 * the saved language before anything a browser or an app asks for, and emails give times in the saved zone.
 */
import { setPreferences } from '../accounts/store.ts';
import { AppError } from '../errors.ts';
import { isLocale, validTimeZone, type Locale } from '../i18n/index.ts';
import type { Ctx } from '../context.ts';
import type { Acting } from './acting.ts';

export interface PreferencesChange {
  /** `en`, `es`, or null (no preference: the browser's or the app's choice). */
  readonly locale?: string | null;
  /** An IANA time zone such as America/Chicago, or null (pages: the browser's zone; emails: UTC). */
  readonly timeZone?: string | null;
}

export interface Preferences {
  readonly locale: Locale | null;
  readonly timeZone: string | null;
}

export async function updatePreferences(
  ctx: Ctx,
  by: Pick<Acting, 'session'>,
  change: PreferencesChange,
): Promise<Preferences> {
  if (change.locale !== undefined && change.locale !== null && !isLocale(change.locale))
    throw new AppError('invalid_request', { key: 'errors:messages.unknownLocale', details: { field: 'locale' } });
  if (change.timeZone !== undefined && change.timeZone !== null && !validTimeZone(change.timeZone))
    throw new AppError('invalid_request', { key: 'errors:messages.unknownTimeZone', details: { field: 'timeZone' } });
  await setPreferences(ctx, by.session.userId, change);
  const user = by.session.user;
  const locale = change.locale !== undefined ? change.locale : user.locale;
  return {
    locale: isLocale(locale) ? locale : null,
    timeZone: change.timeZone !== undefined ? change.timeZone : user.timeZone,
  };
}
