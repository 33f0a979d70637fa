/**
 * Which language a page speaks (docs/product.md "Branding and language"): the person's saved preference,
 * then the language chosen on this browser (the sign-in page's language links), then an app's OIDC
 * `ui_locales` (OpenID Connect Core 1.0 §3.1.2.1: space-separated BCP 47 tags in order of preference), then
 * the browser's Accept-Language (RFC 9110 §12.5.4), else English.
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from './index.ts';

/** The primary subtag of a BCP 47 tag when we speak it: "es-MX" → "es". */
function supported(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
  return isLocale(primary) ? primary : null;
}

/** The first tag of `ui_locales` we speak, else null. */
export function fromUiLocales(uiLocales: string | null | undefined): Locale | null {
  if (!uiLocales) return null;
  for (const tag of uiLocales.slice(0, 500).split(/\s+/)) {
    const locale = supported(tag);
    if (locale) return locale;
  }
  return null;
}

/** The Accept-Language range with the highest weight that we speak (q=0 means "not this one"), else null. */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  let best: { locale: Locale; q: number; index: number } | null = null;
  header
    .slice(0, 1000)
    .split(',')
    .slice(0, 50)
    .forEach((range, index) => {
      const [tag = '', ...params] = range.split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      const locale = supported(tag);
      if (!locale || !Number.isFinite(q) || q <= 0 || q > 1) return;
      if (!best || q > best.q) best = { locale, q, index };
    });
  return (best as { locale: Locale } | null)?.locale ?? null;
}

export interface LocaleSources {
  /** The signed-in person's saved preference (users.locale). */
  readonly saved?: string | null;
  /** The language picked on this browser (a cookie). */
  readonly chosen?: string | null;
  readonly uiLocales?: string | null;
  readonly acceptLanguage?: string | null;
}

export function negotiateLocale(sources: LocaleSources): Locale {
  if (isLocale(sources.saved)) return sources.saved;
  if (isLocale(sources.chosen)) return sources.chosen;
  return fromUiLocales(sources.uiLocales) ?? fromAcceptLanguage(sources.acceptLanguage) ?? DEFAULT_LOCALE;
}
