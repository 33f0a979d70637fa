/**
 * SMS / voice codes over HTTP (docs/security.md "SMS / voice codes"): the number verified before use, codes
 * valid 5 minutes, single use, bound to user + purpose + challenge, resend kills the old code without
 * resetting the failure count, a 60 s cooldown, and — under real parallel requests — one success per
 * code and never more messages than the SMS-pumping caps allow.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolPhone, lastPhoneCode, PHONE_NUMBER, phoneMessages } from '../helpers/phone.ts';
import { createChallenge } from '../../src/sessions/challenge.ts';
import { insertUser } from '../../src/accounts/service.ts';
import { createPhoneFactor } from '../../src/factors/phone/store.ts';

describe.each(DIALECTS)('SMS / voice codes (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let ownerId: string;
  let backupCodes: string[] | null;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, ownerId } = await setUpOwner(t));
    ({ backupCodes } = await enrolPhone(t, owner, OWNER.password));
    t.clock.advanceSeconds(61);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Password step in a fresh browser: a pending challenge. */
  async function challenged(): Promise<Client> {
    const client = new Client(t.app);
    const response = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(response.json().status).toBe('second_factor_required');
    return client;
  }

  async function sendCode(client: Client, method: 'sms' | 'voice' = 'sms'): Promise<string> {
    const sent = await client.post('/api/v1/sign-in/send', { method });
    expect(sent.statusCode, sent.body).toBe(202);
    return (await lastPhoneCode(t)).code;
  }

  it('a verified number becomes a factor: 2FA on, backup codes once, the number masked, the code stored hashed', async () => {
    expect(backupCodes).toHaveLength(10);
    const factors = (await owner.get('/api/v1/me/factors')).json();
    expect(factors.twoFactorEnabled).toBe(true);
    expect(factors.factors).toEqual([
      expect.objectContaining({ type: 'phone', label: '+1 ••••••••23', methods: ['sms', 'voice'], isDefault: true }),
    ]);
    expect(JSON.stringify(factors)).not.toContain('5550123');
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('sign-in method was added');
    const outbox = await owner.get('/dev/outbox');
    expect(outbox.body).toContain('Text message');
    expect(outbox.body).toContain(PHONE_NUMBER);
    const client = await challenged();
    const code = await sendCode(client);
    const rows = await t.ctx.db.kysely.selectFrom('phone_codes').select('code_hash').execute();
    for (const row of rows) expect(row.code_hash).not.toContain(code);
    expect(code).toMatch(/^\d{6}$/);
    const signIn = await client.post('/api/v1/sign-in/verify', { method: 'sms', code });
    expect(signIn.statusCode).toBe(200);
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['pwd', 'sms', 'mfa']);
  });

  it('adding a number needs sudo, a valid number and its code; a wrong code leaves no factor', async () => {
    t.clock.advanceSeconds(11 * 60);
    expect(
      (await owner.post('/api/v1/me/factors/phone', { phone: '+33612345678', channel: 'sms' })).json().error.code,
    ).toBe('reauthentication_required');
    expect((await owner.post('/api/v1/me/reauthenticate/send', { method: 'voice' })).statusCode).toBe(202);
    const reauthCode = await lastPhoneCode(t);
    expect(reauthCode.channel).toBe('voice');
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'voice',
          code: reauthCode.code,
        })
      ).statusCode,
    ).toBe(200);
    const bad = await owner.post('/api/v1/me/factors/phone', { phone: '12345', channel: 'sms' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('phone');
    const national = await owner.post('/api/v1/me/factors/phone', {
      phone: '06 12 34 56 78',
      country: 'FR',
      channel: 'sms',
    });
    expect(national.statusCode).toBe(202);
    expect(national.json().sentTo).toBe('+33 •••••••78');
    const wrong = await owner.post('/api/v1/me/factors/phone/confirm', {
      enrollmentId: national.json().enrollmentId,
      code: '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect((await owner.get('/api/v1/me/factors')).json().factors).toHaveLength(1);
  });

  it('a code expires after 5 minutes', async () => {
    const client = await challenged();
    const code = await sendCode(client);
    t.clock.advanceSeconds(5 * 60 + 1);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'sms', code })).json().error.code).toBe(
      'invalid_code',
    );
    const fresh = await sendCode(client);
    t.clock.advanceSeconds(4 * 60 + 50);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'sms', code: fresh })).statusCode).toBe(200);
  });

  it('a code works once and only for its own challenge', async () => {
    const a = await challenged();
    const b = await challenged();
    const codeA = await sendCode(a);
    expect((await b.post('/api/v1/sign-in/verify', { method: 'sms', code: codeA })).statusCode).toBe(401);
    expect((await a.post('/api/v1/sign-in/verify', { method: 'sms', code: codeA })).statusCode).toBe(200);
    // Spent: a re-authentication code is single use too.
    expect((await a.post('/api/v1/me/reauthenticate/send', { method: 'sms' })).statusCode).toBe(202);
    const reauth = (await lastPhoneCode(t)).code;
    expect(
      (await a.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'sms', code: reauth })).statusCode,
    ).toBe(200);
    expect(
      (await a.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'sms', code: reauth })).statusCode,
    ).toBe(401);
  });

  it('a code is bound to its purpose: a phone-verification code fails at sign-in, a sign-in code fails at verification', async () => {
    expect((await owner.post('/api/v1/me/reauthenticate/send', { method: 'sms' })).statusCode).toBe(202);
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'sms',
          code: (await lastPhoneCode(t)).code,
        })
      ).statusCode,
    ).toBe(200);
    const other = '+33612345678';
    const started = await owner.post('/api/v1/me/factors/phone', { phone: other, channel: 'sms' });
    expect(started.statusCode).toBe(202);
    const verifyCode = (await lastPhoneCode(t, other)).code;
    const client = await challenged();
    const signInCode = await sendCode(client);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'sms', code: verifyCode })).statusCode).toBe(401);
    expect(
      (
        await owner.post('/api/v1/me/factors/phone/confirm', {
          enrollmentId: started.json().enrollmentId,
          code: signInCode,
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await owner.post('/api/v1/me/factors/phone/confirm', {
          enrollmentId: started.json().enrollmentId,
          code: verifyCode,
        })
      ).statusCode,
    ).toBe(200);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'sms', code: signInCode })).statusCode).toBe(200);
  });

  it('resend: 60 s cooldown with Retry-After, the old code dies, the failure count stays', async () => {
    const client = await challenged();
    const first = await sendCode(client);
    const tooSoon = await client.post('/api/v1/sign-in/send', { method: 'sms' });
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().error.code).toBe('rate_limited');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(55);
    const wrong = first === '000000' ? '111111' : '000000';
    expect(
      (await client.post('/api/v1/sign-in/verify', { method: 'sms', code: wrong })).json().error.attemptsLeft,
    ).toBe(4);
    expect(
      (await client.post('/api/v1/sign-in/verify', { method: 'sms', code: wrong })).json().error.attemptsLeft,
    ).toBe(3);
    t.clock.advanceSeconds(60);
    const second = await sendCode(client, 'voice');
    expect((await lastPhoneCode(t)).channel).toBe('voice');
    const counter = await t.ctx.db.kysely
      .selectFrom('attempt_counters')
      .selectAll()
      .where('key', '=', `2fa:${ownerId}`)
      .executeTakeFirstOrThrow();
    expect(Number(counter.failures)).toBe(2);
    if (first !== second) {
      const old = await client.post('/api/v1/sign-in/verify', { method: 'sms', code: first });
      expect(old.statusCode).toBe(401);
      expect(old.json().error.attemptsLeft).toBe(2);
    }
    expect((await client.post('/api/v1/sign-in/verify', { method: 'voice', code: second })).statusCode).toBe(200);
  });

  it('sending needs a pending challenge; an org that forbids SMS refuses it', async () => {
    expect((await new Client(t.app).post('/api/v1/sign-in/send', { method: 'sms' })).json().error.code).toBe(
      'challenge_expired',
    );
    const orgs = await t.ctx.db.kysely.selectFrom('orgs').select('id').execute();
    await t.ctx.db.kysely
      .updateTable('orgs')
      .set({ allowed_methods: JSON.stringify(['totp', 'voice']) })
      .where('id', '=', orgs[0]!.id)
      .execute();
    const client = await challenged();
    expect((await client.post('/api/v1/sign-in/send', { method: 'sms' })).statusCode).toBe(403);
    expect((await client.post('/api/v1/sign-in/send', { method: 'voice' })).statusCode).toBe(202);
  });

  it('changing the number: the new one is verified first, then the old one goes, with one email', async () => {
    const [old] = (await owner.get('/api/v1/me/factors')).json().factors as Array<{ id: string }>;
    const other = '+33612345678';
    const started = await owner.post('/api/v1/me/factors/phone', {
      phone: other,
      channel: 'voice',
      replacesFactorId: old!.id,
    });
    expect(started.statusCode).toBe(202);
    expect((await owner.get('/api/v1/me/factors')).json().factors).toHaveLength(1);
    const confirmed = await owner.post('/api/v1/me/factors/phone/confirm', {
      enrollmentId: started.json().enrollmentId,
      code: (await lastPhoneCode(t, other)).code,
    });
    expect(confirmed.json()).toMatchObject({ changed: true, backupCodes: null });
    const factors = (await owner.get('/api/v1/me/factors')).json().factors as Array<{
      label: string;
      methods: string[];
    }>;
    expect(factors).toEqual([expect.objectContaining({ label: '+33 •••••••78', methods: ['voice', 'sms'] })]);
    expect((await lastEmailTo(t, OWNER.email)).text).toContain(
      'Sign-in codes now go to +33 •••••••78 instead of +1 ••••••••23.',
    );
    const events = (await t.ctx.db.kysely.selectFrom('audit_events').select('event').execute()).map((e) => e.event);
    expect(events).toContain('phone.changed');
    // The old number gets no more codes.
    const client = await challenged();
    expect((await client.post('/api/v1/sign-in/send', { method: 'sms' })).json().sentTo).toBe('+33 •••••••78');
  });

  it('a deployment can restrict countries', async () => {
    const restricted = await createTestApp(dialect, { env: { SMS_ALLOWED_COUNTRIES: 'US,CA' } });
    try {
      const { owner: other } = await setUpOwner(restricted);
      expect((await other.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
      const refused = await other.post('/api/v1/me/factors/phone', { phone: '+33612345678', channel: 'sms' });
      expect(refused.statusCode).toBe(403);
      expect((await other.post('/api/v1/me/factors/phone', { phone: '+12015550123', channel: 'sms' })).statusCode).toBe(
        202,
      );
    } finally {
      await restricted.close();
    }
  });

  describe('under parallel requests', () => {
    let base: string;

    beforeEach(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });

    function post(path: string, challengeToken: string, body: unknown): Promise<Response> {
      return fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: `tf_challenge=${challengeToken}` },
        body: JSON.stringify(body),
      });
    }

    async function userWithPhone(email: string, e164: string): Promise<string> {
      const user = await insertUser(t.ctx, email, 'correct-horse-battery-9');
      await createPhoneFactor(t.ctx, user.id, e164, 'sms');
      return user.id;
    }

    async function sendsInParallel(userIds: readonly string[], count: number): Promise<number[]> {
      const tokens: string[] = [];
      for (let i = 0; i < count; i += 1)
        tokens.push((await createChallenge(t.ctx, userIds[i % userIds.length]!)).token);
      const responses = await Promise.all(
        tokens.map((token) => post('/api/v1/sign-in/send', token, { method: 'sms' })),
      );
      for (const r of responses) if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      return responses.map((r) => r.status);
    }

    it('50 parallel uses of one code: exactly one succeeds', async () => {
      const token = (await createChallenge(t.ctx, ownerId)).token;
      expect((await post('/api/v1/sign-in/send', token, { method: 'sms' })).status).toBe(202);
      const { code } = await lastPhoneCode(t);
      const statuses = (
        await Promise.all(
          Array.from({ length: 50 }, () => post('/api/v1/sign-in/verify', token, { method: 'sms', code })),
        )
      ).map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200 && s !== 401 && s !== 429)).toEqual([]);
    });

    it('100 parallel sends for one user: never more than 5 an hour', async () => {
      const before = (await phoneMessages(t)).length;
      const statuses = await sendsInParallel([ownerId], 100);
      const sent = (await phoneMessages(t)).length - before;
      // The enrolment's code already counted for this hour.
      expect(sent).toBeLessThanOrEqual(4);
      expect(sent).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 202)).toHaveLength(sent);
      expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    });

    it('100 parallel sends to one number from several accounts: never more than 10 a day', async () => {
      const shared = '+12015550188';
      const users = [
        await userWithPhone('a@acme.test', shared),
        await userWithPhone('b@acme.test', shared),
        await userWithPhone('c@acme.test', shared),
      ];
      const statuses = await sendsInParallel(users, 100);
      const sent = (await phoneMessages(t, shared)).length;
      expect(sent).toBeLessThanOrEqual(10);
      expect(sent).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 202)).toHaveLength(sent);
    });

    it('100 parallel sends from one IP to many accounts: never more than 20 an hour', async () => {
      const users: string[] = [];
      for (let i = 0; i < 6; i += 1) users.push(await userWithPhone(`u${i}@acme.test`, `+1201555020${i}`));
      const statuses = await sendsInParallel(users, 100);
      const rows = await t.ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('id')
        .where('channel', 'in', ['sms', 'voice'])
        .execute();
      // The owner's enrolment code came from the same IP within the hour.
      expect(rows.length).toBeLessThanOrEqual(20);
      expect(statuses.filter((s) => s === 202).length).toBe(rows.length - 1);
    });
  });
});
