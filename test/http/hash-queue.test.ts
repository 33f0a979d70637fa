/**
 * A sign-in storm: when many password checks already wait for a hashing slot, a new sign-in is answered at
 * once with 429 and Retry-After instead of holding its socket in the queue — and nothing is counted against
 * the account or the address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { hashPassword } from '../../src/crypto/password.ts';
import { PASSWORD } from '../../src/config/defaults.ts';

describe.each(DIALECTS)('hash queue (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    await setUpOwner(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('turns a sign-in away with 429 while the queue is full, then lets it in', async () => {
    const storm = Array.from({ length: PASSWORD.maxWaitingHashes + 40 }, (_, i) => hashPassword(`storm-password-${i}`));
    const refused = await new Client(t.app, '203.0.113.5').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe('1');
    const counters = await t.ctx.db.kysely.selectFrom('attempt_counters').select(['key', 'failures']).execute();
    expect(counters.every((c) => Number(c.failures) === 0)).toBe(true);
    await Promise.all(storm);
    const signedIn = await new Client(t.app, '203.0.113.5').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(signedIn.json().status).toBe('signed_in');
  });
});
