/**
 * Rows of a correlated subquery as one JSON array column, so that a read and the rows it depends on come back
 * in one statement (one round trip on PostgreSQL). SQLite builds the array with json_group_array and returns
 * it as text; PostgreSQL with json_agg, which node-postgres parses. `parsedRows` takes either.
 */
import { SqliteAdapter, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { jsonArrayFrom as sqliteArray } from 'kysely/helpers/sqlite';
import { jsonArrayFrom as postgresArray } from 'kysely/helpers/postgres';
import type { Database } from './schema.ts';

export function jsonRows<O>(
  db: Kysely<Database>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any tables, any scope: only the row type matters
  query: SelectQueryBuilder<any, any, O>,
): RawBuilder<O[]> {
  const rows = db.getExecutor().adapter instanceof SqliteAdapter ? sqliteArray(query) : postgresArray(query);
  return rows as unknown as RawBuilder<O[]>;
}

export function parsedRows<O>(value: O[] | string): O[] {
  return typeof value === 'string' ? (JSON.parse(value) as O[]) : value;
}
