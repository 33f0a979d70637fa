/**
 * What a database error means, as capabilities of the Db wrapper: the rest of the code asks these and never
 * looks at a driver's error codes (SQLite's `SQLITE_*`, PostgreSQL's SQLSTATE).
 */

/** A unique-constraint failure (SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; PostgreSQL SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * A store that cannot be reached or did not answer in time, which a client may retry: socket errors;
 * PostgreSQL SQLSTATE class 08 "connection exception", 57014 "query_canceled" (statement_timeout), 57P01–57P03
 * "operator intervention", 25P03 idle-in-transaction timeout; node-postgres' read timeout; SQLite busy; a
 * prepared statement that outlived a column change (its connection is replaced: src/db/connect.ts).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '25P03',
  'SQLITE_BUSY',
]);
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connect ETIMEDOUT|database is locked|timeout exceeded when trying to connect|not queryable|Client was closed|Query read timeout|cached plan must not change result type/i;

export function isUnavailable(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  return UNAVAILABLE_MESSAGE.test(String((error as Error)?.message ?? ''));
}
