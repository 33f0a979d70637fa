/**
 * Which language a page speaks (src/i18n/negotiate.ts) and how the translator writes moments and days in a
 * language and time zone (src/i18n/index.ts).
 */
import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, fromUiLocales, negotiateLocale } from '../../src/i18n/negotiate.ts';
import { translator, validTimeZone } from '../../src/i18n/index.ts';

describe('choosing the language', () => {
  it('reads Accept-Language by weight, by primary subtag, and skips q=0 and languages we do not speak', () => {
    expect(fromAcceptLanguage('es-MX,es;q=0.9,en;q=0.8')).toBe('es');
    expect(fromAcceptLanguage('fr-FR, en;q=0.5, es;q=0.7')).toBe('es');
    expect(fromAcceptLanguage('es;q=0, en')).toBe('en');
    expect(fromAcceptLanguage('de, fr')).toBeNull();
    expect(fromAcceptLanguage('*')).toBeNull();
    expect(fromAcceptLanguage('es;q=abc')).toBeNull();
    expect(fromAcceptLanguage('')).toBeNull();
    expect(fromAcceptLanguage('EN-us')).toBe('en');
  });

  it('takes the first ui_locales tag we speak', () => {
    expect(fromUiLocales('fr-CA es-419 en')).toBe('es');
    expect(fromUiLocales('de')).toBeNull();
    expect(fromUiLocales(null)).toBeNull();
  });

  it('orders the sources: saved preference, this browser’s choice, ui_locales, Accept-Language, English', () => {
    const all = { saved: 'es', chosen: 'en', uiLocales: 'en', acceptLanguage: 'en' };
    expect(negotiateLocale(all)).toBe('es');
    expect(negotiateLocale({ ...all, saved: null, chosen: 'es' })).toBe('es');
    expect(negotiateLocale({ ...all, saved: null, chosen: null, uiLocales: 'es' })).toBe('es');
    expect(negotiateLocale({ ...all, saved: null, chosen: null, uiLocales: 'en', acceptLanguage: 'es' })).toBe('en');
    expect(negotiateLocale({ saved: null, chosen: null, uiLocales: null, acceptLanguage: 'es-ES' })).toBe('es');
    expect(negotiateLocale({ saved: 'fr', chosen: 'xx', acceptLanguage: 'de' })).toBe('en');
  });
});

describe('the translator', () => {
  const moment = '2026-11-26T21:44:00.000Z';

  it('writes English moments and days as before (UTC, ISO days) and Spanish ones in Spanish', () => {
    expect(translator('en').when(moment)).toBe('2026-11-26 21:44 UTC');
    expect(translator('en').day(moment)).toBe('2026-11-26');
    expect(translator('es').when(moment)).toBe('26 nov 2026, 21:44 UTC');
    expect(translator('es').day(moment)).toBe('26 nov 2026');
    expect(translator('es').when(null)).toBe('—');
  });

  it('uses the saved time zone, with its abbreviation, including across midnight', () => {
    const chicago = translator('en', 'America/Chicago');
    expect(chicago.when(moment)).toBe('2026-11-26 15:44 CST');
    expect(translator('es', 'Asia/Tokyo').day(moment)).toBe('27 nov 2026');
  });

  it('picks plural forms per language and escapes values inside texts with markup', () => {
    expect(translator('en')('common:count.days', { count: 1 })).toBe('1 day');
    expect(translator('es')('common:count.days', { count: 3 })).toBe('3 días');
    expect(translator('es')('common:count.days', { count: 1_000_000 })).toBe('1000000 días');
    const markup = translator('en').html('common:recoveryBanner.pending', { when: '<script>' }).value;
    expect(markup).toContain('&lt;script&gt;');
    expect(markup).toContain('<strong>');
  });

  it('accepts only time zones the runtime knows', () => {
    expect(validTimeZone('America/Chicago')).toBe('America/Chicago');
    expect(validTimeZone('UTC')).toBe('UTC');
    expect(validTimeZone('Mars/Olympus')).toBeNull();
    expect(validTimeZone('')).toBeNull();
    expect(validTimeZone(42)).toBeNull();
  });
});
