/**
 * Every language's catalogue matches English (src/i18n/catalog): the same keys, every plural form the
 * language needs (Intl.PluralRules), the same placeholders and markup, and texts actually translated.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/catalog/index.ts';
import { LOCALES, translator, type MessageKey } from '../../src/i18n/index.ts';
import type { Catalog } from '../../src/i18n/catalog-types.ts';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function leaves(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** Key → its plural forms (a key without forms maps to ['']). */
function grouped(texts: Map<string, string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [key, text] of texts) {
    const match = PLURAL.exec(key);
    const base = match ? key.slice(0, match.index) : key;
    const forms = out.get(base) ?? new Map<string, string>();
    forms.set(match ? match[1]! : '', text);
    out.set(base, forms);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?([a-z]+)/g)].map((m) => m[0]).sort();

/** Texts that are the same in Spanish (names, codes, words Spanish borrows). */
const SAME_IN_SPANISH = /^(English|Español|No|OK|Email|Passkey|API|Webhook|URL|ID|CSV|TOTP|SMS|AAGUID|—|.{0,3})$/i;

describe('message catalogues', () => {
  const english = resources.en;

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    const catalogue = resources[locale] as Record<string, Catalog>;
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;

    for (const namespace of Object.keys(english)) {
      describe(`${locale}:${namespace}`, () => {
        const en = grouped(leaves((english as Record<string, Catalog>)[namespace]!));
        const other = grouped(leaves(catalogue[namespace] ?? {}));

        it('has every English key and no other', () => {
          expect(
            [...other.keys()].filter((k) => !en.has(k)),
            'keys English does not have',
          ).toEqual([]);
          expect(
            [...en.keys()].filter((k) => !other.has(k)),
            'keys missing',
          ).toEqual([]);
        });

        it(`has the plural forms ${locale} needs (${categories.join(', ')})`, () => {
          const missing: string[] = [];
          for (const [key, forms] of en) {
            if (forms.has('')) continue;
            for (const category of categories) if (!other.get(key)?.has(category)) missing.push(`${key}_${category}`);
          }
          expect(missing).toEqual([]);
        });

        it('keeps the placeholders and markup of each English text', () => {
          const wrong: string[] = [];
          for (const [key, forms] of en) {
            const source = forms.get('') ?? forms.get('other')!;
            for (const [form, text] of other.get(key) ?? []) {
              const name = form ? `${key}_${form}` : key;
              const expected = placeholders(source).filter(
                (p) => form === '' || p !== 'count' || placeholders(text).includes('count'),
              );
              if (JSON.stringify(placeholders(text)) !== JSON.stringify(expected)) wrong.push(`${name}: placeholders`);
              if (JSON.stringify(tags(text)) !== JSON.stringify(tags(source))) wrong.push(`${name}: markup`);
            }
          }
          expect(wrong).toEqual([]);
        });

        it('is translated (no English text copied over)', () => {
          const copied: string[] = [];
          for (const [key, forms] of en)
            for (const [form, text] of forms)
              if (other.get(key)?.get(form) === text && !SAME_IN_SPANISH.test(text) && /[a-z]{4,}/i.test(text))
                copied.push(key);
          expect(copied).toEqual([]);
        });
      });
    }
  }

  it('English itself has both plural forms wherever it has one', () => {
    const missing: string[] = [];
    for (const namespace of Object.keys(english))
      for (const [key, forms] of grouped(leaves((english as Record<string, Catalog>)[namespace]!)))
        if (!forms.has('') && !(forms.has('one') && forms.has('other'))) missing.push(`${namespace}:${key}`);
    expect(missing).toEqual([]);
  });

  it('writes every text with values exactly as i18next does (the translator fills cached templates itself)', async () => {
    const reference = i18next.createInstance();
    await reference.init({
      resources,
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: [...LOCALES],
      ns: Object.keys(english),
      interpolation: { escapeValue: false },
    });
    const differ: string[] = [];
    let compared = 0;
    for (const locale of LOCALES) {
      const t = translator(locale);
      const fixed = reference.getFixedT(locale);
      for (const namespace of Object.keys(english))
        for (const [key, forms] of grouped(leaves((english as Record<string, Catalog>)[namespace]!))) {
          const names = new Set([...forms.values()].flatMap(placeholders));
          const name = `${namespace}:${key}` as MessageKey;
          // Every placeholder filled (with text that looks like markup or a nested lookup), and one left out.
          const full = Object.fromEntries([...names].map((n) => [n, `<${n}> $t(common:yes) {{x}}`]));
          const cases: Record<string, string | number>[] = forms.has('')
            ? [full, {}, Object.fromEntries([...names].slice(1).map((n) => [n, n]))]
            : [0, 1, 2, 5, 21, 1_000_000, 1.5].map((count) => ({ ...full, count }));
          for (const values of cases) {
            compared += 1;
            const ours = t(name, values);
            const theirs = fixed(name, { ...values, nest: false });
            if (ours !== theirs) differ.push(`${locale} ${name} ${JSON.stringify(values)}: ${ours} ≠ ${theirs}`);
          }
        }
    }
    expect(compared).toBeGreaterThan(500);
    expect(differ).toEqual([]);
  });
});
