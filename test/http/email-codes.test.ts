/**
 * Email codes as a second factor (docs/decisions.md "Email codes as a second factor"): off unless an org
 * allows them for the member's role, 8 digits, single use, 10 minutes, bound to their challenge, the same
 * attempt limits as SMS — and one success for one code under 30 parallel requests.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { lastEmailCode } from '../helpers/email-codes.ts';

describe.each(DIALECTS)('email codes (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
  });
  afterEach(async () => {
    await t.close();
  });

  /** Sets the org's email-codes policy (re-authenticating first unless the sudo window is still open). */
  async function allow(emailCodes: 'off' | 'clients' | 'everyone', reauthenticate = true): Promise<void> {
    if (reauthenticate)
      expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const changed = await owner.patch(`/api/v1/orgs/${orgId}/policy`, { emailCodes });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().policy.emailCodes).toBe(emailCodes);
  }

  async function enrolEmail(): Promise<string[]> {
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const start = await owner.post('/api/v1/me/factors/email', {});
    expect(start.statusCode, start.body).toBe(202);
    expect(start.json().sentTo).toBe('o•••@acme.test');
    const confirm = await owner.post('/api/v1/me/factors/email/confirm', {
      enrollmentId: start.json().enrollmentId,
      code: await lastEmailCode(t),
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    return confirm.json().backupCodes as string[];
  }

  /** Password step in a fresh browser: a pending challenge. */
  async function challenged(): Promise<Client> {
    const client = new Client(t.app);
    const response = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(response.json().status).toBe('second_factor_required');
    return client;
  }

  it('is off by default: refused with method_not_allowed_by_org at enrolment', async () => {
    expect((await owner.get(`/api/v1/orgs/${orgId}/policy`)).json().emailCodes).toBe('off');
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const refused = await owner.post('/api/v1/me/factors/email', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('method_not_allowed_by_org');
    expect(refused.json().error.rule).toBe('email_codes');
    // "Clients only" does not cover the owner either.
    await allow('clients');
    expect((await owner.post('/api/v1/me/factors/email', {})).json().error.code).toBe('method_not_allowed_by_org');
  });

  it('an org that allows them: enrolment by a code to the account address, then sign-in with an 8-digit code', async () => {
    await allow('everyone');
    const backupCodes = await enrolEmail();
    expect(backupCodes).toHaveLength(10);
    const factors = (await owner.get('/api/v1/me/factors')).json();
    expect(factors.factors).toEqual([
      expect.objectContaining({ type: 'email', label: 'Email codes', methods: ['email'] }),
    ]);
    const client = await challenged();
    const sent = await client.post('/api/v1/sign-in/send', { method: 'email' });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ channel: 'email', sentTo: 'o•••@acme.test', resendAfterSeconds: 60 });
    const code = await lastEmailCode(t);
    expect(code).toMatch(/^\d{8}$/);
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('Your sign-in code');
    // Stored keyed-hashed only.
    const rows = await t.ctx.db.kysely.selectFrom('phone_codes').select(['code_hash', 'channel']).execute();
    for (const row of rows) expect(row.code_hash).not.toContain(code);
    expect(rows.every((r) => r.channel === 'email')).toBe(true);
    // A texted code's method cannot spend an emailed code.
    expect((await client.post('/api/v1/sign-in/verify', { method: 'sms', code })).statusCode).toBe(401);
    const verified = await client.post('/api/v1/sign-in/verify', { method: 'email', code });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await client.get('/api/v1/session')).json().amr).toEqual(['pwd', 'otp', 'email', 'mfa']);
    // Single use.
    const again = await challenged();
    expect((await again.post('/api/v1/sign-in/verify', { method: 'email', code })).statusCode).toBe(401);
  });

  it('a code lives 10 minutes; a new one kills the old one', async () => {
    await allow('everyone');
    await enrolEmail();
    const client = await challenged();
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const first = await lastEmailCode(t);
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(429);
    t.clock.advanceSeconds(61);
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const second = await lastEmailCode(t);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'email', code: first })).statusCode).toBe(401);
    t.clock.advanceSeconds(8 * 60);
    expect((await client.post('/api/v1/sign-in/verify', { method: 'email', code: second })).statusCode).toBe(200);
    const late = await challenged();
    expect((await late.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const stale = await lastEmailCode(t);
    // The code outlives its 10 minutes nowhere: stored expiry is 10 minutes after sending.
    const row = await t.ctx.db.kysely
      .selectFrom('phone_codes')
      .select(['created_at', 'expires_at'])
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(10 * 60 * 1000);
    t.clock.advanceSeconds(10 * 60 + 1);
    expect((await late.post('/api/v1/sign-in/verify', { method: 'email', code: stale })).statusCode).toBe(401);
  });

  it('turning the policy off refuses email codes at sign-in with a clear code', async () => {
    await allow('everyone');
    await enrolEmail();
    const client = await challenged();
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const code = await lastEmailCode(t);
    await allow('off', false);
    const refused = await client.post('/api/v1/sign-in/verify', { method: 'email', code });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('method_not_allowed_by_org');
    t.clock.advanceSeconds(61);
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).json().error.code).toBe(
      'method_not_allowed_by_org',
    );
  });

  it('re-authentication takes an email code sent for it', async () => {
    await allow('everyone');
    await enrolEmail();
    t.clock.advanceSeconds(11 * 60);
    expect((await owner.post('/api/v1/me/reauthenticate/send', { method: 'email' })).statusCode).toBe(202);
    const code = await lastEmailCode(t);
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('Your confirmation code');
    const done = await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'email', code });
    expect(done.statusCode, done.body).toBe(200);
  });

  it('a pending setup dies after 5 wrong codes', async () => {
    await allow('everyone');
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const start = await owner.post('/api/v1/me/factors/email', {});
    const enrollmentId = start.json().enrollmentId as string;
    const code = await lastEmailCode(t);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    for (let i = 0; i < 5; i += 1)
      expect((await owner.post('/api/v1/me/factors/email/confirm', { enrollmentId, code: wrong })).statusCode).toBe(
        401,
      );
    expect((await owner.post('/api/v1/me/factors/email/confirm', { enrollmentId, code })).statusCode).toBe(404);
    expect((await owner.get('/api/v1/me/factors')).json().factors).toEqual([]);
  });

  it('30 parallel uses of one email code: exactly one succeeds', async () => {
    await allow('everyone');
    await enrolEmail();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const client = await challenged();
    expect((await client.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const code = await lastEmailCode(t);
    const token = client.cookie('tf_challenge')!;
    const statuses = (
      await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${base}/api/v1/sign-in/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: `tf_challenge=${token}` },
            body: JSON.stringify({ method: 'email', code }),
          }),
        ),
      )
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 401 && s !== 429)).toEqual([]);
    const sessions = await t.ctx.db.kysely.selectFrom('sessions').select('id').execute();
    // The owner's own session plus exactly one from the parallel sign-in.
    expect(sessions).toHaveLength(2);
  });

  it('in the browser: the Security page offers email codes only when allowed; setup and the challenge page work', async () => {
    expect((await owner.get('/profile/security')).body).not.toContain('Turn on email codes');
    await allow('everyone');
    expect((await owner.get('/profile/security')).body).toContain('href="/profile/security/email"');
    const setup = await owner.get('/profile/security/email');
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain('owner@acme.test');
    const sent = await owner.submitForm('/profile/security/email', '/profile/security/email', {});
    expect(sent.statusCode).toBe(303);
    const codePage = await owner.get(sent.headers.location as string);
    expect(codePage.body).toContain('o•••@acme.test');
    const enrollmentId = /name="enrollmentId" value="([^"]+)"/.exec(codePage.body)![1]!;
    const done = await owner.submitForm(sent.headers.location as string, '/profile/security/email/verify', {
      enrollmentId,
      code: await lastEmailCode(t),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Save your backup codes');
    expect((await owner.get('/profile/security')).body).toContain('Email codes');

    const browser = new Client(t.app);
    const page = await browser.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    await browser.postForm('/sign-in', { _csrf: csrf, email: OWNER.email, password: OWNER.password });
    const challenge = await browser.get('/sign-in/challenge?method=email');
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toContain('Enter the code sent to your email');
    expect(challenge.body).toContain('o•••@acme.test');
    const signedIn = await browser.submitForm('/sign-in/challenge?method=email', '/sign-in/challenge', {
      method: 'email',
      code: await lastEmailCode(t),
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/profile');
  });

  it('"Confirm it\'s you" offers "Email me a code", and the code it sends confirms', async () => {
    await allow('everyone');
    await enrolEmail();
    t.clock.advanceSeconds(11 * 60);
    const page = await owner.get('/profile/security/confirm?next=%2Fprofile%2Fsecurity');
    expect(page.body).toContain('Email me a code');
    const sent = await owner.submitForm(
      '/profile/security/confirm?next=%2Fprofile%2Fsecurity',
      '/profile/security/email/send-proof',
      { next: '/profile/security' },
    );
    expect(sent.statusCode).toBe(303);
    const code = await lastEmailCode(t);
    const done = await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'email', code });
    expect(done.statusCode, done.body).toBe(200);
  });
});
