import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

describe.each(DIALECTS)('sign-in and sessions (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('setup happens once, then signs the owner in', async () => {
    const { owner } = await setUpOwner(t);
    const me = await owner.get('/api/v1/session');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(OWNER.email);
    expect(me.json().orgs[0].role).toBe('owner');
    const again = await new Client(t.app).post('/api/v1/setup', { ...OWNER, email: 'other@acme.test' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_set_up');
  });

  it('answers the same for an unknown email and a wrong password', async () => {
    await setUpOwner(t);
    const client = new Client(t.app);
    const unknown = await client.post('/api/v1/sign-in', {
      email: 'nobody@acme.test',
      password: 'whatever-password-1',
    });
    const wrong = await client.post('/api/v1/sign-in', { email: OWNER.email, password: 'whatever-password-1' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(client.cookie('tf_session')).toBeUndefined();
  });

  it('issues a new session token on every sign-in and on re-authentication', async () => {
    const { owner } = await setUpOwner(t);
    const first = owner.cookie('tf_session');
    const client = new Client(t.app);
    expect((await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).statusCode).toBe(
      200,
    );
    const second = client.cookie('tf_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const reauth = await client.post('/api/v1/me/reauthenticate', { password: OWNER.password });
    expect(reauth.statusCode).toBe(200);
    const third = client.cookie('tf_session');
    expect(third).not.toBe(second);
    // The token before re-auth is dead.
    const stale = new Client(t.app);
    stale.setCookie('tf_session', second!);
    expect((await stale.get('/api/v1/session')).statusCode).toBe(401);
    expect((await client.get('/api/v1/session')).statusCode).toBe(200);
  });

  it('refuses revoked, idle-expired and absolute-expired sessions server-side', async () => {
    const { owner } = await setUpOwner(t);
    const other = new Client(t.app);
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const list = await owner.get('/api/v1/me/sessions');
    expect(list.json().sessions).toHaveLength(2);
    const otherId = list.json().sessions.find((s: { current: boolean }) => !s.current).id;
    expect((await owner.delete(`/api/v1/me/sessions/${otherId}`)).statusCode).toBe(204);
    expect((await other.get('/api/v1/session')).statusCode).toBe(401);

    // Idle: 30 minutes without a request.
    t.clock.advanceSeconds(31 * 60);
    expect((await owner.get('/api/v1/session')).statusCode).toBe(401);

    // Absolute: 12 hours, even when used every 20 minutes.
    const busy = new Client(t.app);
    await busy.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    for (let minutes = 20; minutes <= 13 * 60; minutes += 20) {
      t.clock.advanceSeconds(20 * 60);
      const r = await busy.get('/api/v1/session');
      if (r.statusCode !== 200) {
        expect(minutes).toBeGreaterThanOrEqual(12 * 60);
        return;
      }
    }
    throw new Error('session outlived its absolute lifetime');
  });

  it('remember me extends the absolute lifetime to 30 days', async () => {
    await setUpOwner(t);
    const client = new Client(t.app);
    await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password, rememberMe: true });
    for (let day = 0; day < 5; day += 1) {
      t.clock.advanceSeconds(24 * 3600);
      expect((await client.get('/api/v1/session')).statusCode).toBe(200);
    }
  });

  it('signs out server-side and sign-out everywhere ends every session', async () => {
    const { owner } = await setUpOwner(t);
    const token = owner.cookie('tf_session')!;
    expect((await owner.delete('/api/v1/session')).statusCode).toBe(204);
    const replay = new Client(t.app);
    replay.setCookie('tf_session', token);
    expect((await replay.get('/api/v1/session')).statusCode).toBe(401);

    const a = new Client(t.app);
    const b = new Client(t.app);
    await a.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    await b.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const all = await a.post('/api/v1/me/sessions/revoke-all');
    expect(all.json().revoked).toBe(2);
    expect((await b.get('/api/v1/session')).statusCode).toBe(401);
    expect((await a.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('signs out the other sessions only, keeping this one (JSON and page), or every one', async () => {
    const { owner } = await setUpOwner(t);
    const other = new Client(t.app);
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const kept = await owner.delete('/api/v1/me/sessions?keepCurrent=true');
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toEqual({ revoked: 1, keptCurrent: true });
    expect((await other.get('/api/v1/session')).statusCode).toBe(401);
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
    const audited = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'sessions.revoked_all')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audited.details)).toEqual({ count: 1, keptCurrent: true });
    // The page's "Sign out other sessions" does the same through the same flow.
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const page = await owner.submitForm('/profile', '/profile/sessions/revoke-others', {});
    expect(page.headers.location).toBe('/profile?done=others_signed_out');
    expect((await other.get('/api/v1/session')).statusCode).toBe(401);
    expect((await owner.get('/profile?done=others_signed_out')).body).toContain('You are still signed in here.');
    const all = await owner.delete('/api/v1/me/sessions');
    expect(all.json()).toEqual({ revoked: 1, keptCurrent: false });
    expect((await owner.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('changing the password needs the current one and ends the other sessions', async () => {
    const { owner } = await setUpOwner(t);
    const other = new Client(t.app);
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const wrong = await owner.post('/api/v1/me/password', {
      currentPassword: 'not-the-password-1',
      newPassword: 'a-brand-new-passphrase-9',
    });
    expect(wrong.statusCode).toBe(401);
    const weak = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('password_rejected');
    const ok = await owner.post('/api/v1/me/password', {
      currentPassword: OWNER.password,
      newPassword: 'a-brand-new-passphrase-9',
    });
    expect(ok.statusCode).toBe(200);
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
    expect((await other.get('/api/v1/session')).statusCode).toBe(401);
    const email = await lastEmailTo(t, OWNER.email);
    expect(email.subject).toContain('password was changed');
  });

  it('a password reset works once, does not sign in, and answers the same for unknown emails', async () => {
    const { owner } = await setUpOwner(t);
    const anon = new Client(t.app);
    const unknown = await anon.post('/api/v1/password-reset', { email: 'nobody@acme.test' });
    const known = await anon.post('/api/v1/password-reset', { email: OWNER.email });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    const mail = await lastEmailTo(t, OWNER.email);
    expect(mail.text).toContain('http://localhost:3000/reset-password?token=');
    const token = tokenFromLink(mail.text, '/reset-password');
    const newPassword = 'ocean-maple-trumpet-77';
    const reset = await anon.post('/api/v1/password-reset/confirm', { token, password: newPassword });
    expect(reset.statusCode).toBe(200);
    expect(anon.cookie('tf_session')).toBeUndefined();
    expect((await owner.get('/api/v1/session')).statusCode).toBe(401);
    const replay = await anon.post('/api/v1/password-reset/confirm', { token, password: 'another-password-xyz' });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.code).toBe('invalid_token');
    // The token is stored hashed.
    const rows = await t.ctx.db.kysely.selectFrom('password_resets').select('token_hash').execute();
    expect(rows.every((r) => r.token_hash !== token)).toBe(true);
    expect((await anon.post('/api/v1/sign-in', { email: OWNER.email, password: newPassword })).statusCode).toBe(200);
  });

  it('a reset link expires after one hour', async () => {
    await setUpOwner(t);
    const anon = new Client(t.app);
    await anon.post('/api/v1/password-reset', { email: OWNER.email });
    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    t.clock.advanceSeconds(3601);
    const late = await anon.post('/api/v1/password-reset/confirm', { token, password: 'ocean-maple-trumpet-77' });
    expect(late.json().error.code).toBe('invalid_token');
  });
});
