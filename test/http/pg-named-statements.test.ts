/**
 * PostgreSQL prepared statements (src/db/connect.ts NamedStatements): each data statement is parsed and
 * planned once per connection and then only bound; a statement whose table changed its columns under it
 * (another instance migrated) fails once with 0A000 and its connection is replaced, so the next call works.
 * Needs a PostgreSQL server (TEST_DATABASE_URL): PGlite runs without node-postgres.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { isUnavailable } from '../../src/db/errors.ts';
import { randomToken } from '../../src/crypto/index.ts';

const PG_SERVER = process.env.TEST_DATABASE_URL;

describe.skipIf(!PG_SERVER)(
  `PostgreSQL named statements${PG_SERVER ? '' : ' — SKIPPED: needs TEST_DATABASE_URL'}`,
  () => {
    const schema = `t_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    let admin: pg.Client;
    let db: Db;

    beforeAll(async () => {
      admin = new pg.Client({ connectionString: PG_SERVER });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.query(`create table ${schema}.things (id text primary key, label text not null)`);
      await admin.query(`insert into ${schema}.things values ('a', 'first'), ('b', 'second')`);
      // One connection, so that what it has prepared can be read back on it.
      db = openDatabase(PG_SERVER!, { pgSchema: schema, poolSize: 1 });
    });
    afterAll(async () => {
      await db.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    });

    const prepared = async () =>
      (
        await sql<{
          name: string;
          statement: string;
        }>`select name, statement from pg_prepared_statements where name like 'tf\\_%'`.execute(db.kysely)
      ).rows;
    const label = async (id: string) =>
      ((await (db.kysely as any).selectFrom('things').selectAll().where('id', '=', id).executeTakeFirst()) ?? null) as {
        label: string;
      } | null;

    it('prepares each data statement once per connection and binds new values on later calls', async () => {
      expect((await label('a'))?.label).toBe('first');
      expect((await label('b'))?.label).toBe('second');
      expect(await label('zzz')).toBeNull();
      const mine = (await prepared()).filter((p) => p.statement.includes('"things"'));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.statement).toMatch(/where "id" = \$1/);
    });

    it('a statement whose table gained a column fails once (0A000), and the replaced connection prepares afresh', async () => {
      await admin.query(`alter table ${schema}.things add column note text`);
      const stale = await label('a').catch((error: unknown) => error);
      expect(stale).toMatchObject({ code: '0A000' });
      // Answered as "unavailable, retry" (503), never a 500.
      expect(isUnavailable(stale)).toBe(true);
      const row = await label('a');
      expect(row).toMatchObject({ label: 'first', note: null });
    });

    it('migrations (no time limits) run their statements unnamed', async () => {
      const unlimited = openDatabase(PG_SERVER!, { pgSchema: schema, poolSize: 1, timeLimits: false });
      try {
        await sql`select label from things where id = ${'a'}`.execute(unlimited.kysely);
        const names = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(
          unlimited.kysely,
        );
        expect(names.rows[0]!.n).toBe(0);
      } finally {
        await unlimited.close();
      }
    });
  },
);
