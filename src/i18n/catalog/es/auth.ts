/** Textos en español: auth (src/i18n). Same keys as catalog/en/auth.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
