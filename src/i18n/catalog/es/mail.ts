/** Textos en español: mail (src/i18n). Same keys as catalog/en/mail.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
