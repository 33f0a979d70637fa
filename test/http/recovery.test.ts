import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  createTestApp,
  lastEmailTo,
  OWNER,
  setUpOwner,
  subjectsTo,
  tokenFromLink,
  type TestApp,
} from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';

const HOUR = 3600;

describe.each(DIALECTS)('account recovery with a delay (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;
  let secret: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t));
    ({ secret } = await enrolTotp(t, owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  async function challenged(ip = '10.5.5.5'): Promise<Client> {
    const client = new Client(t.app, ip);
    const r = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(r.json().status).toBe('second_factor_required');
    return client;
  }

  /** Asks for recovery from a challenge and opens the link: returns the cancel token. */
  async function startAndConfirm(client: Client): Promise<string> {
    expect((await client.post('/api/v1/recovery')).statusCode).toBe(202);
    const link = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/recovery/confirm');
    const confirm = await new Client(t.app, '10.6.6.6').post('/api/v1/recovery/confirm', { token: link });
    expect(confirm.statusCode).toBe(200);
    const notice = await lastEmailTo(t, OWNER.email);
    expect(notice.subject).toContain('Someone started recovery');
    return tokenFromLink(notice.text, '/recovery/cancel');
  }

  it('completes only after 24 hours: then the factors go, other sessions end, and the new session is fresh', async () => {
    await startAndConfirm(await challenged());
    t.clock.advanceSeconds(23 * HOUR);
    expect((await (await challenged()).get('/api/v1/session')).statusCode).toBe(401);
    const early = new Client(t.app, '10.5.5.6');
    expect((await early.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status).toBe(
      'second_factor_required',
    );
    const stillSignedIn = new Client(t.app, '10.5.5.7');
    await stillSignedIn.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    await stillSignedIn.post('/api/v1/sign-in/verify', { method: 'backup_code', code: 'not-a-code' });

    t.clock.advanceSeconds(HOUR + 1);
    const other = new Client(t.app, '10.5.5.8');
    const done = await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(done.json().status).toBe('signed_in');
    const factors = (await other.get('/api/v1/me/factors')).json();
    expect(factors).toMatchObject({ twoFactorEnabled: false, factors: [], backupCodesLeft: 0 });
    expect(await subjectsTo(t, OWNER.email)).toContainEqual(expect.stringContaining('Your account was recovered'));
    expect((await owner.get('/api/v1/session')).statusCode).toBe(401);
    expect((await other.get('/api/v1/session')).json().session.amr).toEqual(['pwd']);
    const audit = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('event')
      .where('event', 'like', 'recovery.%')
      .execute();
    expect(audit.map((a) => a.event)).toEqual(
      expect.arrayContaining(['recovery.requested', 'recovery.started', 'recovery.completed']),
    );
  });

  it('goes straight to enrolment when the org requires 2FA', async () => {
    await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(
      (await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 30 }))
        .statusCode,
    ).toBe(200);
    await startAndConfirm(await challenged());
    t.clock.advanceSeconds(24 * HOUR + 1);
    const r = await new Client(t.app, '10.5.6.1').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(r.json().status).toBe('enrollment_required');
  });

  it('a cancelled recovery can never complete; the cancel link works once', async () => {
    const cancelToken = await startAndConfirm(await challenged());
    const anon = new Client(t.app, '10.5.7.1');
    expect((await anon.post('/api/v1/recovery/cancel', { token: cancelToken })).statusCode).toBe(200);
    expect((await anon.post('/api/v1/recovery/cancel', { token: cancelToken })).json().error.code).toBe(
      'invalid_token',
    );
    t.clock.advanceSeconds(25 * HOUR);
    expect((await (await challenged('10.5.7.2')).get('/api/v1/me/factors')).statusCode).toBe(401);
    const r = await new Client(t.app, '10.5.7.3').post('/api/v1/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(r.json().status).toBe('second_factor_required');
  });

  it('a sign-in with a second factor during the delay cancels it and says so; a signed-in session sees and can cancel it', async () => {
    await startAndConfirm(await challenged());
    t.clock.advanceSeconds(HOUR);
    const pending = await (async () => {
      const c = await challenged('10.5.8.1');
      const v = await c.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
      return { c, body: v.json() };
    })();
    expect(pending.body.recoveryCancelled).toBe(true);
    expect((await pending.c.get('/api/v1/me/recovery')).json().pending).toBeNull();
    // A second recovery, cancelled from the signed-in session.
    await startAndConfirm(await challenged('10.5.8.2'));
    expect((await pending.c.get('/api/v1/me/recovery')).json().pending).not.toBeNull();
    const page = await pending.c.get('/profile/security');
    expect(page.body).toContain('Someone started recovery of your account');
    expect((await pending.c.post('/api/v1/recovery/cancel', {})).json().status).toBe('cancelled');
    t.clock.advanceSeconds(25 * HOUR);
    expect(
      (
        await new Client(t.app, '10.5.8.3').post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })
      ).json().status,
    ).toBe('second_factor_required');
  });

  it('the link is single use, expires after an hour, is stored hashed, and is built from PUBLIC_URL whatever the Host header', async () => {
    const client = await challenged();
    await client.request('POST', '/api/v1/recovery', {}, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    const mail = await lastEmailTo(t, OWNER.email);
    expect(mail.text).toContain('http://localhost:3000/recovery/confirm?token=');
    expect(mail.text).not.toContain('evil.example');
    const token = tokenFromLink(mail.text, '/recovery/confirm');
    const rows = await t.ctx.db.kysely.selectFrom('recoveries').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    t.clock.advanceSeconds(HOUR + 1);
    expect((await client.post('/api/v1/recovery/confirm', { token })).json().error.code).toBe('invalid_token');
    const fresh = await challenged('10.5.9.9');
    await fresh.post('/api/v1/recovery');
    const second = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/recovery/confirm');
    expect((await fresh.post('/api/v1/recovery/confirm', { token: second })).statusCode).toBe(200);
    expect((await fresh.post('/api/v1/recovery/confirm', { token: second })).json().error.code).toBe('invalid_token');
  });

  it('needs a pending challenge, is throttled per account, and with self-service off asks an admin instead', async () => {
    expect((await new Client(t.app).post('/api/v1/recovery')).json().error.code).toBe('challenge_expired');
    const client = await challenged();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await client.post('/api/v1/recovery')).statusCode);
    expect(statuses).toEqual([202, 202, 202, 429]);
    t.clock.advanceSeconds(HOUR);
    await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    await t.ctx.db.kysely.updateTable('orgs').set({ self_service_recovery: 0 }).execute();
    const blocked = await (await challenged('10.5.10.1')).post('/api/v1/recovery');
    expect(blocked.json()).toMatchObject({ status: 'contact_admin', orgs: ['Acme Clinic'] });
    const members = await t.ctx.db.kysely
      .selectFrom('recoveries')
      .select('status')
      .where('status', '=', 'needs_admin')
      .execute();
    expect(members).toHaveLength(1);
  });

  it('a password reset plus a recovery never yields a session without a factor or the full delay', async () => {
    await startAndConfirm(await challenged());
    const anon = new Client(t.app, '10.5.11.1');
    await anon.post('/api/v1/password-reset', { email: OWNER.email });
    const reset = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    const newPassword = 'harbor-violet-lantern-77';
    expect(
      (await anon.post('/api/v1/password-reset/confirm', { token: reset, password: newPassword })).statusCode,
    ).toBe(200);
    t.clock.advanceSeconds(12 * HOUR);
    const r = await anon.post('/api/v1/sign-in', { email: OWNER.email, password: newPassword });
    expect(r.json().status).toBe('second_factor_required');
    expect(anon.cookie('tf_session')).toBeUndefined();
  });
});
