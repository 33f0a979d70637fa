/** Textos en español: apps (src/i18n). Same keys as catalog/en/apps.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
