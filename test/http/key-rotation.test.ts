/** Key rotation: secrets hashed or sealed under an older key keep working once a new key is current. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { keyringFromMasterKeys } from '../../src/crypto/keyring.ts';
import { randomBytes } from '../../src/crypto/index.ts';
import { issueBackupCodes, spendBackupCode } from '../../src/factors/backup-codes/store.ts';
import { resolveConfig } from '../../src/config/index.ts';

describe.each(DIALECTS)('key rotation (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('backup codes issued under the old key are accepted after rotation, once', async () => {
    const { ownerId } = await setUpOwner(t);
    const oldKey = randomBytes(32);
    const before = { ...t.ctx, keyring: keyringFromMasterKeys('k1', new Map([['k1', oldKey]])) };
    const after = {
      ...t.ctx,
      keyring: keyringFromMasterKeys(
        'k2',
        new Map([
          ['k1', oldKey],
          ['k2', randomBytes(32)],
        ]),
      ),
    };
    const codes = await issueBackupCodes(before, ownerId);
    expect(await spendBackupCode(after, ownerId, codes[0]!)).toMatchObject({ ok: true });
    expect(await spendBackupCode(after, ownerId, codes[0]!)).toMatchObject({ ok: false });
    const withoutOld = { ...t.ctx, keyring: keyringFromMasterKeys('k2', new Map([['k2', randomBytes(32)]])) };
    expect(await spendBackupCode(withoutOld, ownerId, codes[1]!)).toMatchObject({ ok: false });
  });
});

describe('TRUST_PROXY as a hop count', () => {
  it('believes exactly that many X-Forwarded-For hops', async () => {
    expect(resolveConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    const t = await createTestApp('sqlite', { env: { TRUST_PROXY: '1' } });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sign-in',
      remoteAddress: '10.0.0.1',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
      payload: JSON.stringify({ email: 'nobody@x.test', password: 'whatever-password-1' }),
    });
    expect(response.statusCode).toBe(401);
    const row = await t.ctx.db.kysely
      .selectFrom('rate_limits')
      .select('key')
      .where('key', 'like', 'ip:sign-in:%')
      .executeTakeFirstOrThrow();
    // One trusted hop: the client is the address that hop saw, not the first (spoofable) entry.
    expect(row.key).toBe('ip:sign-in:198.51.100.7');
    await t.close();
  });
});
