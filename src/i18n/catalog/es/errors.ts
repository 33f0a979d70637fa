/** Textos en español: errors (src/i18n). Same keys as catalog/en/errors.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {
  codes: {},
  messages: {
    unknownLocale: 'Elige inglés (en) o español (es).',
    unknownTimeZone: 'Elige una zona horaria de la lista, como America/Chicago.',
    specialCharacters: 'Quita los caracteres especiales de este campo.',
  },
} satisfies Catalog;
