/** Catalogue texts for the tests that check a Spanish page or email shows none of the English ones. */
import type { Catalog } from '../../src/i18n/catalog-types.ts';

/** Every text of a catalogue (or of several namespaces), depth first. */
export function catalogTexts(catalog: Catalog): string[] {
  return Object.values(catalog).flatMap((value) => (typeof value === 'string' ? [value] : catalogTexts(value)));
}

/** The texts long enough to be sentences, without placeholders: none may appear in another language. */
export function englishSentences(catalog: Catalog): string[] {
  return catalogTexts(catalog).filter((text) => text.length > 15 && !text.includes('{{'));
}
