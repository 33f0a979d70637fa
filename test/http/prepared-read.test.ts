/**
 * Statements compiled once (src/db/prepared.ts) answer exactly as the same query built on each call, with new
 * values bound each time and the query's own fixed values kept; an argument that does not come out as one
 * parameter falls back to building the query every time. Both databases (their SQL differs: ? and $1).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';
import { prepared, preparedWrite } from '../../src/db/prepared.ts';
import type { Database } from '../../src/db/schema.ts';

const NOW = '2026-11-26T00:00:00.000Z';

describe.each(DIALECTS)('prepared reads (%s)', (dialect) => {
  let test: TestDb;
  let db: Kysely<Database>;

  beforeEach(async () => {
    test = await openTestDb(dialect);
    db = test.db.kysely;
    for (const [id, email, suspended] of [
      ['u1', 'a@acme.test', null],
      ['u2', 'b@acme.test', NOW],
      ['u3', 'c@acme.test', null],
    ] as const)
      await db
        .insertInto('users')
        .values({ id, email, password_hash: null, created_at: NOW, updated_at: NOW, suspended_at: suspended })
        .execute();
  });
  afterEach(async () => {
    await test.close();
  });

  it('binds new values on each call and keeps values the query fixed itself', async () => {
    const activeByEmail = prepared((k: Kysely<Database>, email: string) =>
      k
        .selectFrom('users')
        .select(['id'])
        .where('email', '=', email)
        .where('suspended_at', 'is', null)
        .where('id', '!=', 'nobody'),
    );
    expect(await activeByEmail(db, 'a@acme.test')).toEqual([{ id: 'u1' }]);
    expect(await activeByEmail(db, 'b@acme.test')).toEqual([]);
    expect(await activeByEmail(db, 'c@acme.test')).toEqual([{ id: 'u3' }]);
    expect(await activeByEmail(db, "x' OR '1'='1")).toEqual([]);
  });

  it('binds several arguments in the order the SQL needs them', async () => {
    const between = prepared((k: Kysely<Database>, low: string, high: string) =>
      k.selectFrom('users').select(['id']).where('id', '<=', high).where('id', '>=', low).orderBy('id'),
    );
    expect(await between(db, 'u2', 'u3')).toEqual([{ id: 'u2' }, { id: 'u3' }]);
    expect(await between(db, 'u1', 'u1')).toEqual([{ id: 'u1' }]);
  });

  it('an argument used twice is bound in both places', async () => {
    const either = prepared((k: Kysely<Database>, value: string) =>
      k
        .selectFrom('users')
        .select(['id'])
        .where((eb) => eb.or([eb('id', '=', value), eb('email', '=', value)])),
    );
    expect(await either(db, 'u1')).toEqual([{ id: 'u1' }]);
    expect(await either(db, 'c@acme.test')).toEqual([{ id: 'u3' }]);
  });

  it('builds every time when the query reworks an argument (and answers right)', async () => {
    const startingWith = prepared((k: Kysely<Database>, prefix: string) =>
      k.selectFrom('users').select(['id']).where('email', 'like', `${prefix}%`),
    );
    expect(await startingWith(db, 'a')).toEqual([{ id: 'u1' }]);
    expect(await startingWith(db, 'c')).toEqual([{ id: 'u3' }]);
  });

  it('a write answers how many rows it changed, numbers included, inside a transaction too', async () => {
    const suspend = preparedWrite((k: Kysely<Database>, id: string, at: string) =>
      k.updateTable('users').set({ suspended_at: at }).where('id', '=', id).where('suspended_at', 'is', null),
    );
    const suspendedOf = prepared((k: Kysely<Database>, id: string) =>
      k.selectFrom('users').select(['suspended_at']).where('id', '=', id),
    );
    expect(await suspend(db, 'u1', NOW)).toBe(1);
    expect(await suspend(db, 'u1', NOW)).toBe(0); // its condition no longer holds
    expect(await suspend(db, 'nobody', NOW)).toBe(0);
    // The plan made outside is used inside a transaction (a Kysely of its own), and rolls back with it.
    await db
      .transaction()
      .execute(async (trx) => {
        expect(await suspend(trx, 'u3', '2026-11-27T00:00:00.000Z')).toBe(1);
        expect(await suspendedOf(trx, 'u3')).toEqual([{ suspended_at: '2026-11-27T00:00:00.000Z' }]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await suspendedOf(db, 'u3')).toEqual([{ suspended_at: null }]);
  });
});
