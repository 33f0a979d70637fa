/** Small builders for the JSON schemas every route declares (validated by Fastify, listed in /openapi.json). */

export type JsonSchema = Record<string, unknown>;

/**
 * Text fields refuse control characters (C0 and DEL): PostgreSQL cannot store NUL in text, and nobody
 * types them into a name or an address. Passwords are exempt: they are only ever hashed.
 */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';

export const str = (maxLength: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  maxLength,
  pattern: NO_CONTROL_CHARACTERS,
  ...extra,
});
export const email = (): JsonSchema => ({
  type: 'string',
  minLength: 3,
  maxLength: 320,
  pattern: NO_CONTROL_CHARACTERS,
});
export const password = (): JsonSchema => ({ type: 'string', minLength: 1, maxLength: 1024 });
export const bool = (): JsonSchema => ({ type: 'boolean' });
export const role = (): JsonSchema => ({ type: 'string', enum: ['owner', 'admin', 'staff', 'client'] });
/** Single-use email tokens are base64url (src/crypto randomToken). */
export const token = (): JsonSchema => ({ type: 'string', minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
export const id = (): JsonSchema => ({ type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** An object that refuses unknown fields. */
export function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, properties, required };
}

export function params(names: string[]): JsonSchema {
  return object(Object.fromEntries(names.map((n) => [n, id()])), names);
}
