/** Textos en español: account (src/i18n). Same keys as catalog/en/account.ts. */
import type { Catalog } from '../../catalog-types.ts';

export default {} satisfies Catalog;
