/**
 * Database time limits: a query that waits too long (here on a lock another connection holds) answers 503
 * `unavailable` — never a 500, never a hang — and the same pool serves normally once the lock is gone.
 * PostgreSQL cancels the statement (statement_timeout), SQLite stops waiting (busy_timeout). Migrations run
 * without those limits: one that waits longer than them for another instance's migration lock still succeeds.
 * (A connection that goes silent altogether is in faults.test.ts, against a real server process.)
 */
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE } from '../../src/config/defaults.ts';
import { migrate } from '../../src/db/connect.ts';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS, openTestDb } from '../helpers/db.ts';

const PG_SERVER = process.env.TEST_DATABASE_URL;
/** Kysely's migration lock on PostgreSQL (kysely/dist/esm/dialect/postgres/postgres-adapter.js). */
const KYSELY_MIGRATION_LOCK_ID = '3853314791062309107';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Another connection takes the write lock on `table` (SQLite: the whole database); returns its release. */
async function holdWriteLock(t: TestApp, table: string): Promise<() => Promise<void>> {
  if (t.ctx.db.dialect === 'sqlite') {
    const other = new SQLite(t.testDb.url!.slice('sqlite:'.length));
    other.exec('BEGIN IMMEDIATE');
    return async () => {
      other.exec('ROLLBACK');
      other.close();
    };
  }
  const other = new pg.Client({ connectionString: PG_SERVER });
  await other.connect();
  await other.query('begin');
  await other.query(`lock table "${t.ctx.db.pgSchema}"."${table}" in access exclusive mode`);
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}

for (const dialect of DIALECTS) {
  const title =
    dialect === 'postgres' && !PG_SERVER
      ? `${dialect} — SKIPPED: needs TEST_DATABASE_URL (a second connection to hold a lock)`
      : dialect;
  describe.skipIf(dialect === 'postgres' && !PG_SERVER)(`database time limits (${title})`, () => {
    it('a write kept waiting on a lock past the limit answers 503 unavailable, and works once the lock is gone', async () => {
      const t = await createTestApp(dialect);
      cleanups.push(() => t.close());
      await setUpOwner(t);
      // Sign-in counts the attempt per client address first: a write to rate_limits.
      const release = await holdWriteLock(t, 'rate_limits');
      let released = false;
      cleanups.push(async () => {
        if (!released) await release();
      });
      const limitMs = dialect === 'sqlite' ? DATABASE.sqliteBusyTimeoutMs : DATABASE.statementTimeoutMs;
      const started = Date.now();
      const refused = await new Client(t.app).post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      const waitedMs = Date.now() - started;
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.json().error.code).toBe('unavailable');
      expect(waitedMs).toBeGreaterThanOrEqual(limitMs - 100);
      expect(waitedMs).toBeLessThan(limitMs + 2000);
      expect(t.logs.some((line) => line.includes('"statusCode":500'))).toBe(false);

      released = true;
      await release();
      const signedIn = await new Client(t.app).post('/api/v1/sign-in', {
        email: OWNER.email,
        password: OWNER.password,
      });
      expect(signedIn.json().status).toBe('signed_in');
    }, 30_000);

    it.runIf(dialect === 'postgres')(
      'every pooled connection carries the statement and idle-in-transaction limits',
      async () => {
        const t = await createTestApp(dialect);
        cleanups.push(() => t.close());
        const setting = async (name: string): Promise<string> => {
          const { rows } = await sql<{ value: string }>`select current_setting(${name}) as value`.execute(
            t.ctx.db.kysely,
          );
          return rows[0]!.value;
        };
        expect(await setting('statement_timeout')).toBe(`${DATABASE.statementTimeoutMs / 1000}s`);
        expect(await setting('idle_in_transaction_session_timeout')).toBe(
          `${DATABASE.idleInTransactionTimeoutMs / 1000}s`,
        );
      },
    );

    it.runIf(dialect === 'postgres')(
      'a migration waits for another instance to finish migrating, longer than the request limits',
      async () => {
        const testDb = await openTestDb(dialect);
        cleanups.push(() => testDb.close());
        const other = new pg.Client({ connectionString: PG_SERVER });
        await other.connect();
        cleanups.push(() => other.end());
        await other.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK_ID})`);
        const migrating = migrate(testDb.db);
        await new Promise((resolve) => setTimeout(resolve, DATABASE.queryTimeoutMs + 1000));
        await other.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK_ID})`);
        await expect(migrating).resolves.toEqual([]);
      },
      30_000,
    );
  });
}
