/**
 * The language of a page or of a form's error: src/i18n/negotiate.ts over what this request carries (the
 * signed-in person's saved preference and time zone, the language picked on this browser, an app's
 * `ui_locales`, Accept-Language).
 */
import type { FastifyRequest } from 'fastify';
import { translator, validTimeZone, type T } from '../i18n/index.ts';
import { negotiateLocale } from '../i18n/negotiate.ts';

/** The language picked with the links at the foot of public pages (not a secret: a language code). */
export const LANGUAGE_COOKIE = 'tf_lang';
/** A year: the choice outlives sessions (it is about this browser, not an account). */
export const LANGUAGE_COOKIE_SECONDS = 365 * 86_400;

export function requestTranslator(request: FastifyRequest, options: { readonly uiLocales?: string | null } = {}): T {
  const user = request.session && !request.session.apiKey ? request.session.user : null;
  const locale = negotiateLocale({
    saved: user?.locale,
    chosen: request.cookies?.[LANGUAGE_COOKIE],
    uiLocales: options.uiLocales,
    acceptLanguage: request.headers['accept-language'],
  });
  return translator(locale, validTimeZone(user?.timeZone));
}
