/**
 * Migration 0011 backfills email_verified_at from what proved control of an address before it existed: an
 * accepted invitation to that address, or a completed password reset. Nobody else is verified.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';
import * as m0011 from '../../src/db/migrations/0011_email_verification.ts';

const AT = '2026-01-02T03:04:05.000Z';

describe.each(DIALECTS)('migration 0011_email_verification (%s)', (dialect) => {
  let testDb: TestDb;
  beforeEach(async () => {
    testDb = await openTestDb(dialect);
  });
  afterEach(async () => {
    await testDb.close();
  });

  it('marks invited and reset accounts verified, with the earliest proof, and leaves the others unverified', async () => {
    const db = testDb.db.kysely;
    await m0011.down(db);
    const user = (id: string, email: string) => ({
      id,
      email,
      name: '',
      password_hash: null,
      default_method: null,
      two_factor_reset_at: null,
      created_at: AT,
      updated_at: AT,
      last_sign_in_at: null,
    });
    // Rows as they were before the column existed.
    await db
      .insertInto('users')
      .values([
        user('u1', 'invited@x.test'),
        user('u2', 'reset@x.test'),
        user('u3', 'typed-in@x.test'),
        user('u4', 'pending@x.test'),
      ] as never)
      .execute();
    await db
      .insertInto('orgs')
      .values({ id: 'o1', name: 'Org', created_at: AT, staff_required_since: null, everyone_required_since: null })
      .execute();
    const invitation = (id: string, email: string, acceptedAt: string | null) => ({
      id,
      org_id: 'o1',
      email,
      role: 'staff' as const,
      token_hash: `h-${id}`,
      invited_by: 'u3',
      created_at: AT,
      expires_at: AT,
      accepted_at: acceptedAt,
      revoked_at: null,
    });
    await db
      .insertInto('invitations')
      .values([
        invitation('i1', 'invited@x.test', '2026-03-01T00:00:00.000Z'),
        invitation('i2', 'invited@x.test', '2026-02-01T00:00:00.000Z'),
        invitation('i3', 'pending@x.test', null),
      ])
      .execute();
    await db
      .insertInto('password_resets')
      .values([
        {
          id: 'r1',
          user_id: 'u2',
          token_hash: 'r1',
          created_at: AT,
          expires_at: AT,
          used_at: '2026-04-01T00:00:00.000Z',
        },
        { id: 'r2', user_id: 'u4', token_hash: 'r2', created_at: AT, expires_at: AT, used_at: null },
      ])
      .execute();

    await m0011.up(db);
    const rows = await db.selectFrom('users').select(['email', 'email_verified_at']).orderBy('email').execute();
    expect(Object.fromEntries(rows.map((r) => [r.email, r.email_verified_at]))).toEqual({
      'invited@x.test': '2026-02-01T00:00:00.000Z',
      'reset@x.test': '2026-04-01T00:00:00.000Z',
      'typed-in@x.test': null,
      'pending@x.test': null,
    });
    expect(await db.selectFrom('email_verifications').selectAll().execute()).toEqual([]);
  });
});
