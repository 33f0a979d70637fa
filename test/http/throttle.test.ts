/**
 * Password guessing limits (docs/security.md "Guessing limits"; NIST SP 800-63B rev 4 §3.2.2; ASVS 4.0.3 2.2.1):
 * a per-IP limit on failed sign-ins that a forged X-Forwarded-For cannot dodge, a per-account progressive delay and
 * lock counted atomically (parallel guesses never get more tries than the limit), the same answer while
 * locked, a lockout email and audit row, and a password reset that still works and lifts the lock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { PASSWORD_THROTTLE, RATE_LIMITS } from '../../src/config/defaults.ts';
import { randomBytes } from '../../src/crypto/index.ts';
import {
  Client,
  createTestApp,
  lastEmailTo,
  ORIGIN,
  OWNER,
  setUpOwner,
  tokenFromLink,
  type TestApp,
} from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const WRONG = 'definitely-not-the-password-1';

function randomIp(): string {
  const b = randomBytes(3);
  return `198.${b[0]! % 256}.${b[1]! % 256}.${(b[2]! % 254) + 1}`;
}

async function counterRow(t: TestApp, userId: string) {
  return t.ctx.db.kysely
    .selectFrom('attempt_counters')
    .selectAll()
    .where('key', '=', `pwd:${userId}`)
    .executeTakeFirst();
}

describe.each(DIALECTS)('password throttling (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  describe('without TRUST_PROXY', () => {
    let ownerId: string;
    beforeEach(async () => {
      t = await createTestApp(dialect);
      ownerId = (await setUpOwner(t)).ownerId;
    });

    function signIn(
      password: string,
      headers: Record<string, string> = {},
      remoteAddress = '127.0.0.1',
    ): Promise<LightMyRequestResponse> {
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/sign-in',
        remoteAddress,
        headers: { origin: ORIGIN, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ email: OWNER.email, password }),
      });
    }

    it('parallel guesses with forged X-Forwarded-For never get more than 10 tries, then the account locks', async () => {
      let locked = false;
      let waves = 0;
      // Waves of 50 parallel guesses, the clock moving past the per-IP window and the progressive delay
      // between waves, until the account locks — and two more waves to show the count stays put.
      for (let extra = 0; extra < 3; waves += 1) {
        expect(waves).toBeLessThan(20);
        const responses = await Promise.all(
          Array.from({ length: 50 }, () => signIn(WRONG, { 'x-forwarded-for': randomIp() })),
        );
        const codes = responses.map((r) => `${r.statusCode} ${r.json().error.code}`);
        expect(new Set(codes).size).toBeLessThanOrEqual(2);
        for (const code of codes) expect(['401 invalid_credentials', '429 rate_limited']).toContain(code);
        // The per-IP failure limit holds: X-Forwarded-For is not believed without TRUST_PROXY.
        const limited = responses.filter((r) => r.statusCode === 429);
        expect(limited.length).toBe(50 - RATE_LIMITS.signInFailures.limit);
        for (const r of limited) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        const row = await counterRow(t, ownerId);
        expect(Number(row!.failures)).toBeLessThanOrEqual(PASSWORD_THROTTLE.lockAfterFailures);
        if (row!.locked_until) locked = true;
        if (locked) extra += 1;
        // Past the longest progressive delay, then to the start of a fresh per-IP window.
        t.clock.advanceSeconds(PASSWORD_THROTTLE.maxDelaySeconds + 1);
        const windowMs = RATE_LIMITS.signInFailures.windowSeconds * 1000;
        t.clock.advanceSeconds((windowMs - (t.clock.now().getTime() % windowMs)) / 1000);
      }
      const row = await counterRow(t, ownerId);
      expect(Number(row!.failures)).toBe(PASSWORD_THROTTLE.lockAfterFailures);
      expect(row!.locked_until).not.toBeNull();

      // Evaluated guesses (wrong_password) never exceed the limit; the rest were refused unseen.
      const failures = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('details')
        .where('event', '=', 'sign_in.failed')
        .execute();
      const evaluated = failures.filter((f) => JSON.parse(f.details).reason === 'wrong_password');
      expect(evaluated).toHaveLength(PASSWORD_THROTTLE.lockAfterFailures);
      // The audit records the socket address, not the forged header.
      const ips = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('ip')
        .where('event', '=', 'sign_in.failed')
        .execute();
      expect(new Set(ips.map((r) => r.ip))).toEqual(new Set(['127.0.0.1']));

      // While locked, the right password gets exactly the wrong password's answer (from a fresh address).
      const fresh = new Client(t.app, '203.0.113.50');
      const right = await fresh.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      const wrong = await fresh.post('/api/v1/sign-in', { email: OWNER.email, password: WRONG });
      const unknown = await fresh.post('/api/v1/sign-in', { email: 'nobody@acme.test', password: OWNER.password });
      expect(right.statusCode).toBe(401);
      expect(right.json().error.code).toBe('invalid_credentials');
      expect(right.body).toBe(wrong.body);
      expect(right.body).toBe(unknown.body);
      expect(fresh.cookie('tf_session')).toBeUndefined();

      // One lock: one audit row, one security email.
      const lockRows = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'sign_in.locked')
        .execute();
      expect(lockRows).toHaveLength(1);
      expect(lockRows[0]!.target_user_id).toBe(ownerId);
      const lockMails = await t.ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('subject')
        .where('recipient', '=', OWNER.email)
        .execute();
      expect(lockMails.filter((m) => /paused|lock/i.test(m.subject))).toHaveLength(1);

      // After the 15-minute lock the right password works again.
      t.clock.advanceSeconds(PASSWORD_THROTTLE.firstLockSeconds + 1);
      const after = await fresh.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      expect(after.statusCode).toBe(200);
      expect(after.json().status).toBe('signed_in');
      const cleared = await counterRow(t, ownerId);
      expect(Number(cleared!.failures)).toBe(0);
      expect(cleared!.locked_until).toBeNull();
    }, 120_000); // waves of 50 hashed guesses: slow when other work shares the two cores

    it('progressive delay: after 5 failures an immediate right password is refused, and works once the delay passes', async () => {
      const client = new Client(t.app, '203.0.113.10');
      for (let i = 0; i < PASSWORD_THROTTLE.delayAfterFailures; i += 1) {
        expect((await client.post('/api/v1/sign-in', { email: OWNER.email, password: WRONG })).statusCode).toBe(401);
      }
      const early = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      expect(early.statusCode).toBe(401);
      expect(early.json().error.code).toBe('invalid_credentials');
      expect(client.cookie('tf_session')).toBeUndefined();
      t.clock.advanceSeconds(PASSWORD_THROTTLE.firstDelaySeconds + 1);
      const later = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      expect(later.statusCode).toBe(200);
    });

    it('fewer than 5 failures cost no delay', async () => {
      const client = new Client(t.app, '203.0.113.11');
      for (let i = 0; i < PASSWORD_THROTTLE.delayAfterFailures - 1; i += 1) {
        await client.post('/api/v1/sign-in', { email: OWNER.email, password: WRONG });
      }
      expect((await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
        200,
      );
    });

    it('a password reset still works while the account is locked, and lifts the lock', async () => {
      const client = new Client(t.app, '203.0.113.20');
      for (let i = 0; i < PASSWORD_THROTTLE.lockAfterFailures; i += 1) {
        await client.post('/api/v1/sign-in', { email: OWNER.email, password: WRONG });
        t.clock.advanceSeconds(PASSWORD_THROTTLE.maxDelaySeconds + 1);
      }
      expect((await counterRow(t, ownerId))!.locked_until).not.toBeNull();
      expect((await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
        401,
      );

      const requested = await client.post('/api/v1/password-reset', { email: OWNER.email });
      expect(requested.statusCode).toBe(202);
      const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
      const newPassword = 'granite-willow-compass-58';
      const reset = await client.post('/api/v1/password-reset/confirm', { token, password: newPassword });
      expect(reset.statusCode).toBe(200);

      const row = await counterRow(t, ownerId);
      expect(row!.locked_until).toBeNull();
      expect(Number(row!.failures)).toBe(0);
      const signedIn = await client.post('/api/v1/sign-in', { email: OWNER.email, password: newPassword });
      expect(signedIn.statusCode).toBe(200);
    });
  });

  describe('with TRUST_PROXY=127.0.0.1', () => {
    beforeEach(async () => {
      t = await createTestApp(dialect, { env: { TRUST_PROXY: '127.0.0.1' } });
      await setUpOwner(t);
    });

    function signInVia(forwardedFor: string, remoteAddress = '127.0.0.1'): Promise<LightMyRequestResponse> {
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/sign-in',
        remoteAddress,
        headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        payload: JSON.stringify({ email: 'nobody@acme.test', password: WRONG }),
      });
    }

    it('X-Forwarded-For from the trusted proxy is believed: each client address has its own bucket', async () => {
      const first = [];
      for (let i = 0; i < RATE_LIMITS.signInFailures.limit; i += 1)
        first.push((await signInVia('192.0.2.1')).statusCode);
      expect(first.every((s) => s === 401)).toBe(true);
      const over = await signInVia('192.0.2.1');
      expect(over.statusCode).toBe(429);
      expect(over.json().error.code).toBe('rate_limited');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Another client behind the same proxy is not affected.
      const other = await signInVia('192.0.2.2');
      expect(other.statusCode).toBe(401);
      expect(other.json().error.code).toBe('invalid_credentials');
    });

    it('the audit records the forwarded client address', async () => {
      const client = new Client(t.app);
      await client.request(
        'POST',
        '/api/v1/sign-in',
        { email: OWNER.email, password: WRONG },
        { 'x-forwarded-for': '192.0.2.77' },
      );
      const rows = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('ip')
        .where('event', '=', 'sign_in.failed')
        .execute();
      expect(rows.map((r) => r.ip)).toEqual(['192.0.2.77']);
    });

    it('X-Forwarded-For from an untrusted peer is ignored', async () => {
      for (let i = 0; i < RATE_LIMITS.signInFailures.limit; i += 1)
        await signInVia(`192.0.2.${i + 10}`, '203.0.113.99');
      const over = await signInVia('192.0.2.200', '203.0.113.99');
      expect(over.statusCode).toBe(429);
    });
  });
});
