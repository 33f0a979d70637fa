/** The shape of a message catalogue: nested objects whose leaves are texts (i18next JSON v4 format). */
export interface Catalog {
  readonly [key: string]: string | Catalog;
}
