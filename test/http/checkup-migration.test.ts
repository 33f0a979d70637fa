/**
 * Migration 0016 dates the 2FA of accounts that had it before the check-up existed: the last time it was turned
 * on (audit log), else the account's last update. Accounts without 2FA get no date.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';
import * as m0016 from '../../src/db/migrations/0016_two_factor_checkup.ts';

const AT = '2026-01-02T03:04:05.000Z';

describe.each(DIALECTS)('migration 0016_two_factor_checkup (%s)', (dialect) => {
  let testDb: TestDb;
  beforeEach(async () => {
    testDb = await openTestDb(dialect);
  });
  afterEach(async () => {
    await testDb.close();
  });

  it('counts from the last two_factor.enabled, else the last update; none without 2FA', async () => {
    const db = testDb.db.kysely;
    await m0016.down(db);
    const user = (id: string, twoFactor: number) => ({
      id,
      email: `${id}@x.test`,
      name: '',
      password_hash: null,
      two_factor_enabled: twoFactor,
      default_method: null,
      two_factor_reset_at: null,
      created_at: AT,
      updated_at: AT,
      last_sign_in_at: null,
    });
    await db
      .insertInto('users')
      .values([user('u1', 1), user('u2', 1), user('u3', 0)] as never)
      .execute();
    const event = (id: string, at: string) => ({
      id,
      at,
      event: 'two_factor.enabled',
      actor_user_id: 'u1',
      target_user_id: 'u1',
      org_id: null,
      ip: '',
      user_agent: '',
      details: '{}',
    });
    await db
      .insertInto('audit_events')
      .values([event('a1', '2026-03-01T00:00:00.000Z'), event('a2', '2026-05-01T00:00:00.000Z')])
      .execute();
    await m0016.up(db);
    const rows = await db
      .selectFrom('users')
      .select(['id', 'two_factor_enabled_at', 'checkup_done_at', 'checkup_skips'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.id, r.two_factor_enabled_at, r.checkup_done_at, Number(r.checkup_skips)])).toEqual([
      ['u1', '2026-05-01T00:00:00.000Z', null, 0],
      ['u2', AT, null, 0],
      ['u3', null, null, 0],
    ]);
  });
});
