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

describe.each(DIALECTS)('two-step sign-in with an authenticator app (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let secret: string;
  let backupCodes: string[];

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner } = await setUpOwner(t));
    ({ secret, backupCodes } = await enrolTotp(t, owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  /** A code that matches no step within ±20 of now (so neither valid nor a clock-drift hint). */
  function unrelatedCode(base32: string): string {
    const near = new Set(Array.from({ length: 41 }, (_, i) => codeAt(base32, t.clock.now(), i - 20)));
    let n = 0;
    while (near.has(String(n).padStart(6, '0'))) n += 1;
    return String(n).padStart(6, '0');
  }

  async function passwordOnly(client = new Client(t.app), extra: Record<string, unknown> = {}) {
    const response = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password, ...extra });
    expect(response.statusCode).toBe(200);
    return { client, body: response.json() };
  }

  it('enrolment turns 2FA on and returns 10 distinct backup codes once', async () => {
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    for (const code of backupCodes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]$/);
    const factors = (await owner.get('/api/v1/me/factors')).json();
    expect(factors.twoFactorEnabled).toBe(true);
    expect(factors.backupCodesLeft).toBe(10);
    expect(factors.factors).toHaveLength(1);
    expect(factors.factors[0].isDefault).toBe(true);
    expect(JSON.stringify(factors)).not.toContain(secret);
    const stored = await t.ctx.db.kysely.selectFrom('totp_factors').select('secret_sealed').execute();
    expect(stored[0]!.secret_sealed).not.toContain(secret);
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('sign-in method was added');
  });

  it('enrolment needs a recent re-authentication and a new secret per attempt', async () => {
    t.clock.advanceSeconds(11 * 60);
    const stale = await owner.post('/api/v1/me/factors/totp');
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('reauthentication_required');
    // With 2FA on, re-auth needs the factor as well as the password.
    const passwordOnlyReauth = await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password });
    expect(passwordOnlyReauth.json().error.code).toBe('reauthentication_required');
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'totp',
          code: codeAt(secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(200);
    const a = (await owner.post('/api/v1/me/factors/totp')).json();
    const b = (await owner.post('/api/v1/me/factors/totp')).json();
    expect(a.secret).not.toBe(b.secret);
    expect(a.otpauthUri).toMatch(
      /^otpauth:\/\/totp\/Acme%20Clinic:owner%40acme\.test\?secret=[A-Z2-7]+&issuer=Acme%20Clinic&algorithm=SHA1&digits=6&period=30$/,
    );
    expect(a.qrSvg).toContain('<svg');
    // The first attempt is dead; the second expires after 15 minutes.
    expect(
      (
        await owner.post('/api/v1/me/factors/totp/confirm', {
          enrollmentId: a.enrollmentId,
          code: codeAt(a.secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(404);
    t.clock.advanceSeconds(15 * 60 + 1);
    expect(
      (
        await owner.post('/api/v1/me/factors/totp/confirm', {
          enrollmentId: b.enrollmentId,
          code: codeAt(b.secret, t.clock.now()),
        })
      ).statusCode,
    ).toBe(404);
  });

  it('a wrong setup code keeps the attempt and its secret; the same enrolment confirms with the right code', async () => {
    // A second app, added by someone whose 2FA is already on (sudo is fresh after enrolTotp).
    const started = (await owner.post('/api/v1/me/factors/totp')).json();
    const wrong = await owner.post('/api/v1/me/factors/totp/confirm', {
      enrollmentId: started.enrollmentId,
      code: unrelatedCode(started.secret),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_code');
    expect(wrong.json().error.message).toBe(
      "That code didn't match — check the time on your phone, then enter the code the app shows now.",
    );
    const stored = await t.ctx.db.kysely
      .selectFrom('totp_enrollments')
      .select(['id', 'consumed_at'])
      .where('consumed_at', 'is', null)
      .execute();
    expect(stored).toEqual([{ id: started.enrollmentId, consumed_at: null }]);
    const right = await owner.post('/api/v1/me/factors/totp/confirm', {
      enrollmentId: started.enrollmentId,
      code: codeAt(started.secret, t.clock.now()),
      label: 'Second phone',
    });
    expect(right.statusCode).toBe(200);
    expect(right.json().factor.label).toBe('Second phone');
  });

  it('a challenge opens no protected route, and the session after 2FA has a new token', async () => {
    const earlier = owner.cookie('tf_session');
    const { client, body } = await passwordOnly();
    expect(body.status).toBe('second_factor_required');
    expect(body.methods).toEqual(['totp', 'backup_code']);
    expect(body.defaultMethod).toBe('totp');
    expect(client.cookie('tf_challenge')).toBeDefined();
    expect(client.cookie('tf_session')).toBeUndefined();
    for (const url of ['/api/v1/session', '/api/v1/me', '/api/v1/me/factors', '/api/v1/me/sessions', '/api/v1/orgs']) {
      expect((await client.get(url)).statusCode).toBe(401);
    }
    // The challenge token is no session token either.
    const forged = new Client(t.app);
    forged.setCookie('tf_session', client.cookie('tf_challenge')!);
    expect((await forged.get('/api/v1/session')).statusCode).toBe(401);
    const verify = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(verify.statusCode).toBe(200);
    const token = client.cookie('tf_session');
    expect(token).toBeDefined();
    expect(token).not.toBe(earlier);
    expect(token).not.toBe(client.cookie('tf_challenge'));
    const session = (await client.get('/api/v1/session')).json();
    expect(session.amr).toEqual(['pwd', 'otp', 'mfa']);
    // Single use: the challenge cannot be verified again.
    const again = await client.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, t.clock.now(), 1),
    });
    expect(again.json().error.code).toBe('challenge_expired');
  });

  it('accepts the current step ±1 only, refuses replays, and hints at clock drift', async () => {
    t.clock.advanceSeconds(90); // leave the enrolment's step behind
    const now = t.clock.now();
    for (const offset of [-2, 2]) {
      const { client } = await passwordOnly();
      const r = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, now, offset) });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('invalid_code');
    }
    const drift = await (
      await passwordOnly()
    ).client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now(), 10) });
    expect(drift.json().error.clockDriftMinutes).toBe(5);
    const { client } = await passwordOnly();
    expect(
      (await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now(), -1) }))
        .statusCode,
    ).toBe(200);
    // That step and every earlier one are spent now.
    const replay = await (
      await passwordOnly()
    ).client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now(), -1) });
    expect(replay.json().error.code).toBe('invalid_code');
    const next = await (
      await passwordOnly()
    ).client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now(), 1) });
    expect(next.statusCode).toBe(200);
  });

  it('a challenge dies after 5 wrong codes and after 10 minutes', async () => {
    const { client } = await passwordOnly();
    for (let i = 0; i < 5; i += 1) {
      const r = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: '000000' });
      expect(r.json().error.code).toBe('invalid_code');
      expect(r.json().error.attemptsLeft).toBe(4 - i);
    }
    const dead = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(dead.json().error.code).toBe('challenge_expired');
    const { client: late } = await passwordOnly();
    t.clock.advanceSeconds(10 * 60 + 1);
    expect(
      (await late.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) })).json().error
        .code,
    ).toBe('challenge_expired');
  });

  it('locks the second step after 10 failures in a row across challenges, then doubles', async () => {
    for (let i = 0; i < 10; i += 1) {
      const { client } = await passwordOnly(new Client(t.app, `10.0.0.${i}`));
      expect((await client.post('/api/v1/sign-in/verify', { method: 'totp', code: '123456' })).statusCode).toBe(401);
    }
    const { client } = await passwordOnly(new Client(t.app, '10.0.1.1'));
    const locked = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('paused');
    t.clock.advanceSeconds(15 * 60 + 1);
    const { client: after } = await passwordOnly(new Client(t.app, '10.0.1.2'));
    expect(
      (await after.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) })).statusCode,
    ).toBe(200);
  });

  it('backup codes work once, ignore case, spaces and dashes, and warn when few are left', async () => {
    const typed = backupCodes[0]!.toUpperCase().replace(/-/g, ' ');
    const { client } = await passwordOnly();
    expect((await client.post('/api/v1/sign-in/verify', { method: 'backup_code', code: typed })).statusCode).toBe(200);
    expect(await subjectsTo(t, OWNER.email)).toContainEqual(expect.stringContaining('backup code was used'));
    const reuse = await (
      await passwordOnly()
    ).client.post('/api/v1/sign-in/verify', { method: 'backup_code', code: backupCodes[0]! });
    expect(reuse.json().error.code).toBe('invalid_code');
    const factors = (await client.get('/api/v1/me/factors')).json();
    expect(factors.backupCodesLeft).toBe(9);
    expect(factors.backupCodesLow).toBe(false);
    // Regenerating (sudo) kills the old set.
    expect((await client.post('/api/v1/me/backup-codes')).statusCode).toBe(200);
    const stale = await (
      await passwordOnly()
    ).client.post('/api/v1/sign-in/verify', { method: 'backup_code', code: backupCodes[1]! });
    expect(stale.json().error.code).toBe('invalid_code');
    const rows = await t.ctx.db.kysely.selectFrom('backup_codes').select('code_hash').execute();
    expect(rows.some((r) => backupCodes.some((c) => r.code_hash.includes(c.replace(/-/g, ''))))).toBe(false);
  });

  it('a trusted browser skips only the second step; sudo then needs the factor; revoking ends the skip', async () => {
    const { client } = await passwordOnly(undefined, { rememberMe: true });
    const verify = await client.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
      trustDevice: true,
    });
    expect(verify.json().trustedDevice).toBe(true);
    expect(client.cookie('tf_trusted')).toBeDefined();
    // "Remember me" has no effect on a 2FA sign-in: the session ends after 12 hours.
    const sessions = (await client.get('/api/v1/me/sessions')).json().sessions;
    const current = sessions.find((s: { current: boolean }) => s.current);
    expect(Date.parse(current.expiresAt) - t.clock.now().getTime()).toBeLessThanOrEqual(12 * 3600 * 1000);

    await client.delete('/api/v1/session');
    const again = await passwordOnly(client);
    expect(again.body.status).toBe('signed_in');
    expect((await client.post('/api/v1/me/factors/totp')).json().error.code).toBe('reauthentication_required');
    const devices = (await client.get('/api/v1/me/trusted-devices')).json().devices;
    expect(devices).toHaveLength(1);
    expect(devices[0].browser).toBeTruthy();
    expect(devices[0].current).toBe(true);
    // Another browser (no trust cookie of this device) sees it as not its own.
    expect((await owner.get('/api/v1/me/trusted-devices')).json().devices[0].current).toBe(false);
    expect((await client.delete(`/api/v1/me/trusted-devices/${devices[0].id}`)).statusCode).toBe(204);
    await client.delete('/api/v1/session');
    expect((await passwordOnly(client)).body.status).toBe('second_factor_required');
  });

  it('a password change or reset forgets trusted browsers and keeps 2FA', async () => {
    const { client } = await passwordOnly();
    await client.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
      trustDevice: true,
    });
    const anon = new Client(t.app);
    await anon.post('/api/v1/password-reset', { email: OWNER.email });
    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    const newPassword = 'ocean-maple-trumpet-77';
    expect((await anon.post('/api/v1/password-reset/confirm', { token, password: newPassword })).statusCode).toBe(200);
    const after = await client.post('/api/v1/sign-in', { email: OWNER.email, password: newPassword });
    expect(after.json().status).toBe('second_factor_required');
  });

  it('turning 2FA off needs the password and a current code, and is refused while an org requires it', async () => {
    const { client } = await passwordOnly();
    await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    t.clock.advanceSeconds(30);
    const noCode = await client.post('/api/v1/me/two-factor/disable', {
      password: OWNER.password,
      method: 'totp',
      code: '000000',
    });
    expect(noCode.json().error.code).toBe('invalid_code');
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'staff' }).execute();
    const required = await client.post('/api/v1/me/two-factor/disable', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(required.statusCode).toBe(409);
    expect(required.json().error.code).toBe('two_factor_required_by_org');
    expect(required.json().error.message).toBe(
      'Acme Clinic requires two-factor authentication for you, so it cannot be turned off. You can still add, change or remove methods while one is left.',
    );
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'off' }).execute();
    t.clock.advanceSeconds(30);
    const off = await client.post('/api/v1/me/two-factor/disable', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(off.statusCode).toBe(200);
    expect((await client.get('/api/v1/me/factors')).json()).toMatchObject({
      twoFactorEnabled: false,
      factors: [],
      backupCodesLeft: 0,
    });
    expect((await lastEmailTo(t, OWNER.email)).subject).toContain('turned off');
    expect((await passwordOnly()).body.status).toBe('signed_in');
  });

  it('removing the last factor turns 2FA off unless required; a code used at sign-in cannot open sudo', async () => {
    const { client } = await passwordOnly();
    const code = codeAt(secret, t.clock.now());
    await client.post('/api/v1/sign-in/verify', { method: 'totp', code });
    const reuse = await client.post('/api/v1/me/reauthenticate', { password: OWNER.password, method: 'totp', code });
    expect(reuse.json().error.code).toBe('invalid_code');
    const factorId = (await client.get('/api/v1/me/factors')).json().factors[0].id;
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'everyone' }).execute();
    const refused = (await client.delete(`/api/v1/me/factors/${factorId}`)).json().error;
    expect(refused.code).toBe('two_factor_required_by_org');
    expect(refused.message).toBe(
      'Acme Clinic requires two-factor authentication for you, so your last method cannot be removed. Add another method before removing this one.',
    );
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'off' }).execute();
    const removed = await client.delete(`/api/v1/me/factors/${factorId}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().twoFactorOff).toBe(true);
  });

  it('a sign-in from a browser never seen for this user sends a "new sign-in" email', async () => {
    const before = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('id')
      .where('subject', 'like', 'New sign-in%')
      .execute();
    const { client } = await passwordOnly();
    await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    const after = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('id')
      .where('subject', 'like', 'New sign-in%')
      .execute();
    expect(after.length).toBe(before.length + 1);
    // The same browser again: no new email.
    await client.delete('/api/v1/session');
    t.clock.advanceSeconds(30);
    const again = await passwordOnly(client);
    await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(again.body.status).toBe('second_factor_required');
    const last = await t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('id')
      .where('subject', 'like', 'New sign-in%')
      .execute();
    expect(last.length).toBe(after.length);
  });
});
