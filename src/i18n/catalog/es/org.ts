/** Textos en español: org (src/i18n). Same keys as catalog/en/org.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
