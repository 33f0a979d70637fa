/**
 * Sign-in under concurrency, over real HTTP with parallel requests (docs/product.md "Per-IP sign-in limits
 * count failures"; docs/security.md "Guessing limits"): a right password or code is never answered as a wrong
 * one because other attempts were being checked at the same time, parallel guesses are still never
 * evaluated beyond the limit, and the per-address limit counts failures — a clinic of 200 behind one NAT
 * address all get in, 30 wrong passwords from one address are throttled.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD_THROTTLE, RATE_LIMITS, SECOND_FACTOR_THROTTLE } from '../../src/config/defaults.ts';
import { randomId } from '../../src/crypto/index.ts';
import { hashPassword } from '../../src/crypto/password.ts';
import { createChallenge } from '../../src/sessions/challenge.ts';
import { createTestApp, OWNER, ORIGIN, setUpOwner, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolPhone, lastPhoneCode } from '../helpers/phone.ts';

const WRONG = 'definitely-not-the-password-1';
const MEMBER_PASSWORD = 'saffron-lattice-orbit-73';

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
}

describe.each(DIALECTS)('sign-in under concurrency (%s)', (dialect) => {
  let t: TestApp;
  let base: string;
  let ownerId: string;
  let owner: Client;

  beforeEach(async () => {
    // The proxy in front is trusted, so each request can name its client address.
    t = await createTestApp(dialect, { env: { TRUST_PROXY: '127.0.0.1' } });
    ({ owner, ownerId } = await setUpOwner(t));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await t.close();
  });

  async function post(path: string, body: unknown, clientIp: string, cookie?: string): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        'x-forwarded-for': clientIp,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { status?: string; error?: { code: string } };
    return {
      status: response.status,
      code: json.error?.code ?? json.status,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  const signIn = (email: string, password: string, clientIp = '203.0.113.1'): Promise<Answer> =>
    post('/api/v1/sign-in', { email, password }, clientIp);

  async function evaluatedWrongPasswords(userId?: string): Promise<number> {
    let query = t.ctx.db.kysely.selectFrom('audit_events').select('details').where('event', '=', 'sign_in.failed');
    if (userId) query = query.where('target_user_id', '=', userId);
    return (await query.execute()).filter((row) => JSON.parse(row.details).reason === 'wrong_password').length;
  }

  async function counter(key: string) {
    return t.ctx.db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  }

  /** `count` members with one password (hashed once), as a clinic's staff would be. */
  async function members(count: number): Promise<Array<{ id: string; email: string }>> {
    const hash = await hashPassword(MEMBER_PASSWORD);
    const now = t.clock.now().toISOString();
    const rows = Array.from({ length: count }, (_, i) => ({ id: randomId(), email: `member${i}@clinic.test` }));
    await t.ctx.db.kysely
      .insertInto('users')
      .values(
        rows.map((r) => ({
          id: r.id,
          email: r.email,
          name: '',
          password_hash: hash,
          default_method: null,
          two_factor_reset_at: null,
          created_at: now,
          updated_at: now,
          last_sign_in_at: null,
        })),
      )
      .execute();
    return rows;
  }

  it('20 parallel sign-ins of one account with the right password: all 20 succeed, nothing counts as a failure', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => signIn(OWNER.email, OWNER.password)));
    expect(answers.map((a) => `${a.status} ${a.code}`)).toEqual(Array(20).fill('200 signed_in'));
    const row = await counter(`pwd:${ownerId}`);
    expect(Number(row.failures)).toBe(0);
    expect(row.next_allowed_at).toBeNull();
    expect(Number(row.in_flight)).toBe(0);
    expect(await evaluatedWrongPasswords()).toBe(0);
  });

  it('20 right passwords mixed with 4 wrong ones in parallel: every right one succeeds, every wrong one is refused', async () => {
    const passwords = Array.from({ length: 24 }, (_, i) => (i % 6 === 5 ? WRONG : OWNER.password));
    const answers = await Promise.all(passwords.map((password) => signIn(OWNER.email, password)));
    passwords.forEach((password, i) => {
      expect(`${answers[i]!.status} ${answers[i]!.code}`).toBe(
        password === WRONG ? '401 invalid_credentials' : '200 signed_in',
      );
    });
    expect(await evaluatedWrongPasswords()).toBe(4);
    expect(Number((await counter(`pwd:${ownerId}`)).in_flight)).toBe(0);
  });

  it('200 parallel wrong passwords from 200 addresses are never evaluated beyond the limit', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => signIn(OWNER.email, WRONG, `198.18.${i >> 8}.${(i % 250) + 1}`)),
    );
    // A wrong password's answer, or — while the hashing queue is full — 429 to come back in a moment.
    for (const a of answers) expect(['401 invalid_credentials', '429 rate_limited']).toContain(`${a.status} ${a.code}`);
    const evaluated = await evaluatedWrongPasswords();
    expect(evaluated).toBeGreaterThanOrEqual(PASSWORD_THROTTLE.delayAfterFailures);
    expect(evaluated).toBeLessThanOrEqual(PASSWORD_THROTTLE.lockAfterFailures);
    const row = await counter(`pwd:${ownerId}`);
    expect(Number(row.failures)).toBe(evaluated);
    expect(Number(row.in_flight)).toBe(0);
    // Delayed (or locked) before it arrived: the right password now gets the wrong password's answer.
    expect(await signIn(OWNER.email, OWNER.password, '192.0.2.200')).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
  });

  it('200 members behind one address sign in within a minute, in bursts of 40 at once: all of them get in', async () => {
    const staff = await members(200);
    const answers: Answer[] = [];
    // Each burst is twice the address's failure budget, so half of it waits for a slot.
    for (let i = 0; i < staff.length; i += 40) {
      answers.push(
        ...(await Promise.all(staff.slice(i, i + 40).map((m) => signIn(m.email, MEMBER_PASSWORD, '198.51.100.7')))),
      );
    }
    expect(answers.filter((a) => a.status === 200 && a.code === 'signed_in')).toHaveLength(200);
    const failures = await t.ctx.db.kysely
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', 'ip:sign-in-failures:198.51.100.7')
      .executeTakeFirstOrThrow();
    expect(failures.window_start).toBe('2026-11-24T12:00:00.000Z');
    expect(Number(failures.count)).toBe(0);
    expect(Number(failures.in_flight)).toBe(0);
    const cap = await t.ctx.db.kysely
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', 'ip:sign-in:198.51.100.7')
      .executeTakeFirstOrThrow();
    expect(Number(cap.count)).toBe(200);
  }, 60_000);

  it('30 wrong passwords from one address against 30 accounts: 20 are checked, the rest get 429 with Retry-After', async () => {
    const staff = await members(30);
    const answers = await Promise.all(staff.map((m) => signIn(m.email, WRONG, '198.51.100.8')));
    const limit = RATE_LIMITS.signInFailures.limit;
    expect(answers.filter((a) => a.status === 401 && a.code === 'invalid_credentials')).toHaveLength(limit);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(30 - limit);
    for (const a of limited) {
      expect(a.code).toBe('rate_limited');
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(await evaluatedWrongPasswords()).toBe(limit);
    // The address stays throttled for the window, whoever signs in from it; other addresses are not affected.
    expect(await signIn(staff[0]!.email, MEMBER_PASSWORD, '198.51.100.8')).toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
    expect(await signIn(staff[0]!.email, MEMBER_PASSWORD, '198.51.100.9')).toMatchObject({
      status: 200,
      code: 'signed_in',
    });
  });

  it('the cap on all sign-in requests from one address still holds: past it even a right password gets 429', async () => {
    const { limit, windowSeconds } = RATE_LIMITS.signIn;
    const windowMs = windowSeconds * 1000;
    const windowStart = new Date(Math.floor(t.clock.now().getTime() / windowMs) * windowMs).toISOString();
    await t.ctx.db.kysely
      .insertInto('rate_limits')
      .values({ key: 'ip:sign-in:198.51.100.11', window_start: windowStart, count: limit })
      .execute();
    const over = await signIn(OWNER.email, OWNER.password, '198.51.100.11');
    expect(over).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(await signIn(OWNER.email, OWNER.password, '198.51.100.12')).toMatchObject({
      status: 200,
      code: 'signed_in',
    });
  });

  it('unknown emails count as failures of the address too (no free spraying)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(`nobody${i}@clinic.test`, WRONG, '198.51.100.10')),
    );
    expect(answers.filter((a) => a.code === 'invalid_credentials')).toHaveLength(RATE_LIMITS.signInFailures.limit);
    expect(answers.filter((a) => a.code === 'rate_limited')).toHaveLength(30 - RATE_LIMITS.signInFailures.limit);
  });

  it('right second-step codes for 14 challenges of one user in parallel (backup codes and SMS codes): all succeed', async () => {
    const { backupCodes } = await enrolPhone(t, owner, OWNER.password);
    expect(backupCodes).toHaveLength(10);
    t.clock.advanceSeconds(61);
    const requests: Array<{ cookie: string; body: { method: string; code: string } }> = [];
    for (const code of backupCodes!) {
      requests.push({
        cookie: `tf_challenge=${(await createChallenge(t.ctx, ownerId)).token}`,
        body: { method: 'backup_code', code },
      });
    }
    // SMS codes of separate challenges (one user may be sent 5 an hour; the enrolment used one).
    for (let i = 0; i < 4; i += 1) {
      const cookie = `tf_challenge=${(await createChallenge(t.ctx, ownerId)).token}`;
      expect((await post('/api/v1/sign-in/send', { method: 'sms' }, '203.0.113.2', cookie)).status).toBe(202);
      requests.push({ cookie, body: { method: 'sms', code: (await lastPhoneCode(t)).code } });
    }
    expect(requests.length).toBeGreaterThan(SECOND_FACTOR_THROTTLE.lockAfterFailures);
    const answers = await Promise.all(
      requests.map((r) => post('/api/v1/sign-in/verify', r.body, '203.0.113.2', r.cookie)),
    );
    expect(answers.map((a) => `${a.status} ${a.code}`)).toEqual(Array(requests.length).fill('200 signed_in'));
    const row = await counter(`2fa:${ownerId}`);
    expect(Number(row.failures)).toBe(0);
    expect(row.locked_until).toBeNull();
    expect(Number(row.in_flight)).toBe(0);
  }, 30_000);
});
