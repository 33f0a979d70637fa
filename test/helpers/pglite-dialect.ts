/**
 * Kysely's PostgresDialect over PGlite (PostgreSQL compiled to WebAssembly, in process), for machines
 * without a PostgreSQL server — as Kysely's own suite does. PGlite has one connection: a small mutex
 * hands it to one Kysely connection (and so one transaction) at a time.
 */
import { PGlite } from '@electric-sql/pglite';
import { PostgresDialect } from 'kysely';

export function pgliteDialect(): { dialect: PostgresDialect; close: () => Promise<void> } {
  const pg = new PGlite();
  let tail: Promise<void> = Promise.resolve();
  let release: (() => void) | null = null;
  const client = {
    async query(text: string, params: unknown[] = []) {
      const result = await pg.query<Record<string, unknown>>(text, params);
      const command = (/^\s*(\w+)/.exec(text)?.[1] ?? '').toUpperCase();
      return { rows: result.rows, rowCount: result.affectedRows ?? 0, command };
    },
    release() {
      const done = release;
      release = null;
      done?.();
    },
  };
  const pool = {
    async connect() {
      const previous = tail;
      let unlock!: () => void;
      tail = new Promise<void>((resolve) => (unlock = resolve));
      await previous;
      release = unlock;
      return client;
    },
    async end() {
      await pg.close();
    },
  };
  return { dialect: new PostgresDialect({ pool: pool as never }), close: () => pg.close() };
}
