/**
 * Migrations 0017 and 0018 on an existing database: orgs that existed before get the new-device check for
 * staff (the column default fills existing rows), email codes off and no phishing-resistant rule.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';
import * as m0017 from '../../src/db/migrations/0017_email_codes.ts';
import * as m0018 from '../../src/db/migrations/0018_phishing_resistant.ts';

const AT = '2026-01-02T03:04:05.000Z';

describe.each(DIALECTS)('migrations 0017 and 0018 (%s)', (dialect) => {
  let testDb: TestDb;
  beforeEach(async () => {
    testDb = await openTestDb(dialect);
  });
  afterEach(async () => {
    await testDb.close();
  });

  it('existing orgs: new-device check for staff, email codes off, no passkey-only rule', async () => {
    const db = testDb.db.kysely;
    await m0018.down(db);
    await m0017.down(db);
    // A row as it was before the columns existed.
    await db
      .insertInto('orgs')
      .values({ id: 'o1', name: 'Org', created_at: AT, staff_required_since: null, everyone_required_since: null })
      .execute();
    await m0017.up(db);
    await m0018.up(db);
    const row = await db
      .selectFrom('orgs')
      .select(['new_device_check', 'email_codes', 'phishing_resistant', 'allowed_authenticators'])
      .where('id', '=', 'o1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      new_device_check: 'staff',
      email_codes: 'off',
      phishing_resistant: 'off',
      allowed_authenticators: '[]',
    });
  });
});
