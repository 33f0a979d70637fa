/** Types of generate.mjs. */
export function generateTypes(document: unknown): Promise<string>;
