/** Textos en español: security (src/i18n). Same keys as catalog/en/security.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
