/**
 * No secret in a log line, an audit row or any stored row (docs/security.md "Audit, notifications, secrets at
 * rest"; docs/product.md "Audit"): the flows below run with known passwords, and every log line the app wrote,
 * every database row and every email is then searched for them, for the reset and invitation tokens and
 * for each session cookie handed out. The link tokens may appear in their own email, nowhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const TABLES = [
  'users',
  'orgs',
  'memberships',
  'invitations',
  'sessions',
  'password_resets',
  'audit_events',
  'mail_outbox',
  'rate_limits',
  'attempt_counters',
  'system_flags',
  'seen_devices',
] as const;

describe.each(DIALECTS)('secrets never reach logs or stored rows (%s)', (dialect) => {
  let t: TestApp;
  const passwords = {
    owner: OWNER.password,
    wrong: 'mistyped-owner-secret-31',
    changed: 'lavender-quartz-meadow-88',
    reset: 'copper-thistle-harbour-19',
    invitee: 'saffron-glacier-piano-63',
    badCurrent: 'not-my-current-one-5521',
  };
  const cookies = new Set<string>();
  let resetToken = '';
  let invitationToken = '';
  const inviteeEmail = 'new.member@acme.test';

  function keepCookies(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of response.cookies as Array<{ name: string; value: string }>) if (c.value) cookies.add(c.value);
    return response;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { logLevel: 'trace' });
    const { owner, orgId } = await setUpOwner(t);
    cookies.add(owner.cookie('tf_session')!);

    const browser = new Client(t.app, '203.0.113.5');
    expect(
      keepCookies(await browser.post('/api/v1/sign-in', { email: OWNER.email, password: passwords.wrong })).statusCode,
    ).toBe(401);
    expect(
      keepCookies(await browser.post('/api/v1/sign-in', { email: OWNER.email, password: passwords.owner })).statusCode,
    ).toBe(200);
    expect(keepCookies(await browser.post('/api/v1/me/reauthenticate', { password: passwords.owner })).statusCode).toBe(
      200,
    );
    expect(keepCookies(await browser.post('/api/v1/me/reauthenticate', { password: passwords.wrong })).statusCode).toBe(
      401,
    );
    expect(
      keepCookies(
        await browser.post('/api/v1/me/password', {
          currentPassword: passwords.badCurrent,
          newPassword: passwords.changed,
        }),
      ).statusCode,
    ).toBe(401);
    expect(
      keepCookies(
        await browser.post('/api/v1/me/password', { currentPassword: passwords.owner, newPassword: passwords.changed }),
      ).statusCode,
    ).toBe(200);

    const anon = new Client(t.app, '203.0.113.6');
    expect((await anon.post('/api/v1/password-reset', { email: OWNER.email })).statusCode).toBe(202);
    resetToken = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    // A person opens the emailed link (whatever page answers there), then submits the form's JSON.
    await anon.get(`/reset-password?token=${encodeURIComponent(resetToken)}`);
    expect(
      (await anon.post('/api/v1/password-reset/confirm', { token: resetToken, password: passwords.reset })).statusCode,
    ).toBe(200);
    expect(
      (await anon.post('/api/v1/password-reset/confirm', { token: resetToken, password: passwords.reset })).statusCode,
    ).toBe(400);

    const signedIn = new Client(t.app, '203.0.113.7');
    expect(
      keepCookies(await signedIn.post('/api/v1/sign-in', { email: OWNER.email, password: passwords.reset })).statusCode,
    ).toBe(200);
    expect(
      keepCookies(await signedIn.post(`/api/v1/orgs/${orgId}/invitations`, { email: inviteeEmail, role: 'staff' }))
        .statusCode,
    ).toBe(201);
    invitationToken = tokenFromLink((await lastEmailTo(t, inviteeEmail)).text, '/invitations/accept');
    const invitee = new Client(t.app, '203.0.113.8');
    await invitee.get(`/invitations/accept?token=${encodeURIComponent(invitationToken)}`);
    expect(
      (await invitee.post('/api/v1/invitations/accept', { token: invitationToken, password: passwords.invitee }))
        .statusCode,
    ).toBe(200);
    expect(
      keepCookies(await invitee.post('/api/v1/sign-in', { email: inviteeEmail, password: passwords.invitee }))
        .statusCode,
    ).toBe(200);
    expect(keepCookies(await invitee.get('/api/v1/session')).statusCode).toBe(200);
    expect((await invitee.delete('/api/v1/session')).statusCode).toBe(204);
  });
  afterAll(async () => {
    await t.close();
  });

  function secrets(): Array<[string, string]> {
    return [
      ...Object.entries(passwords).map(([name, value]): [string, string] => [`password:${name}`, value]),
      ['reset token', resetToken],
      ['invitation token', invitationToken],
      ...[...cookies].map((value, i): [string, string] => [`cookie #${i}`, value]),
    ];
  }

  function found(haystack: string, allow: string[] = []): string[] {
    return secrets()
      .filter(
        ([name, value]) =>
          !allow.includes(name) && (haystack.includes(value) || haystack.includes(encodeURIComponent(value))),
      )
      .map(([name]) => name);
  }

  it('the flows produced the secrets and the logs to scan', () => {
    expect(resetToken.length).toBeGreaterThanOrEqual(32);
    expect(invitationToken.length).toBeGreaterThanOrEqual(32);
    expect(cookies.size).toBeGreaterThanOrEqual(4);
    expect(t.logs.length).toBeGreaterThan(20);
    // The scan would see a URL: request lines are logged.
    expect(t.logs.join('\n')).toContain('/api/v1/password-reset/confirm');
  });

  it('no log line holds a password, a link token or a session cookie', () => {
    expect(found(t.logs.join('\n'))).toEqual([]);
  });

  it('no audit row holds one either', async () => {
    const rows = await t.ctx.db.kysely.selectFrom('audit_events').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    expect(found(JSON.stringify(rows))).toEqual([]);
  });

  it('no stored row outside the outbox holds one (tokens and sessions are stored hashed)', async () => {
    for (const table of TABLES.filter((name) => name !== 'mail_outbox')) {
      const rows = await t.ctx.db.kysely.selectFrom(table).selectAll().execute();
      expect(found(JSON.stringify(rows)), table).toEqual([]);
    }
  });

  it('emails carry no password or cookie, and each link token only in its own email', async () => {
    const mails = await t.ctx.db.kysely.selectFrom('mail_outbox').selectAll().execute();
    expect(mails.length).toBeGreaterThanOrEqual(4);
    for (const mail of mails) {
      const text = JSON.stringify(mail);
      const own = mail.body_text.includes('/reset-password?token=')
        ? ['reset token']
        : mail.body_text.includes('/invitations/accept?token=')
          ? ['invitation token']
          : [];
      expect(found(text, own), mail.subject).toEqual([]);
    }
    const withReset = mails.filter((m) => m.body_text.includes(resetToken));
    const withInvitation = mails.filter((m) => m.body_text.includes(invitationToken));
    expect(withReset.map((m) => m.recipient)).toEqual([OWNER.email]);
    expect(withInvitation.map((m) => m.recipient)).toEqual([inviteeEmail]);
  });
});
