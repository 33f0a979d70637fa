/**
 * The hosted pages over app.inject: who may see which page, POST-redirect-GET with errors shown in the
 * page, CSRF on every form, the same answer for known and unknown emails, and the dev outbox staying out
 * of production.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
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
import { audit } from '../../src/context.ts';
import { enrolTotp } from '../helpers/two-factor.ts';

const STAFF = { email: 'nurse@acme.test', password: 'copper-meadow-violin-58', name: 'Nora Nurse' };

function location(response: LightMyRequestResponse): string {
  return String(response.headers.location ?? '');
}

function csrfOf(body: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
}

describe.each(DIALECTS)('hosted pages (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Invites STAFF as `role` through the members page and accepts through the invitation page. */
  async function addStaff(owner: Client, orgId: string, role = 'staff'): Promise<{ staff: Client; staffId: string }> {
    const invited = await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: STAFF.email,
      role,
    });
    expect(invited.statusCode).toBe(303);
    expect(location(invited)).toBe(`/orgs/${orgId}/members?done=invited`);
    const token = tokenFromLink((await lastEmailTo(t, STAFF.email)).text, '/invitations/accept');
    const anon = new Client(t.app);
    const accepted = await anon.submitForm(`/invitations/accept?token=${token}`, '/invitations/accept', {
      token,
      name: STAFF.name,
      password: STAFF.password,
    });
    expect(accepted.statusCode).toBe(303);
    // Signed in at once: no second typing of the password just chosen.
    expect(location(accepted)).toBe('/profile?done=invitation_accepted');
    expect((await anon.get('/api/v1/session')).statusCode).toBe(200);
    expect((await anon.get('/profile?done=invitation_accepted')).body).toContain('Invitation accepted. Welcome');
    const staff = anon;
    const me = (await staff.get('/api/v1/session')).json() as { user: { id: string } };
    return { staff, staffId: me.user.id };
  }

  it('first-run setup: the form keeps what was typed on an error, then signs the owner in, then is gone', async () => {
    const anon = new Client(t.app);
    expect(location(await anon.get('/'))).toBe('/setup');
    expect(location(await anon.get('/sign-in'))).toBe('/setup');
    const page = await anon.get('/setup');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="orgName">');
    const weak = await anon.submitForm('/setup', '/setup', {
      orgName: OWNER.orgName,
      name: 'Olivia Owner',
      email: OWNER.email,
      password: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('role="alert"');
    expect(weak.body).toContain(`value="${OWNER.email}"`);
    expect(weak.body).toContain(`value="${OWNER.orgName}"`);
    expect(weak.body).not.toContain('password1234');

    const done = await anon.submitForm('/setup', '/setup', {
      orgName: OWNER.orgName,
      name: 'Olivia Owner',
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(done.statusCode).toBe(303);
    expect(location(done)).toMatch(/^\/orgs\/[A-Za-z0-9_-]+\/members\?done=welcome$/);
    const members = await anon.get(location(done));
    expect(members.statusCode).toBe(200);
    expect(members.body).toContain('<h1>People</h1>');
    expect(members.body).toContain(OWNER.email);

    expect(location(await anon.get('/setup'))).toBe('/sign-in');
    expect(location(await anon.get('/sign-in'))).toBe('/profile');
    expect(location(await new Client(t.app).get('/setup'))).toBe('/sign-in');
  });

  it('sign-in: one message for a wrong password, the email kept; a safe next is followed, another origin is not', async () => {
    await setUpOwner(t);
    const anon = new Client(t.app);
    const wrong = await anon.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: 'not-the-password-9' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email or password is incorrect.');
    expect(wrong.body).toContain(`value="${OWNER.email}"`);
    expect(wrong.body).not.toContain('not-the-password-9');
    const unknown = await anon.submitForm('/sign-in', '/sign-in', {
      email: 'nobody@acme.test',
      password: 'not-the-password-9',
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body.replace(/nobody@acme\.test/g, OWNER.email).replace(csrfOf(unknown.body), '')).toBe(
      wrong.body.replace(csrfOf(wrong.body), ''),
    );

    const offsite = await anon.submitForm('/sign-in?next=//evil.test/x', '/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
      next: '//evil.test/x',
    });
    expect(location(offsite)).toBe('/profile');
    const other = new Client(t.app);
    const page = await other.get('/sign-in?next=%2Fprofile%2Factivity');
    expect(page.body).toContain('name="next" value="/profile/activity"');
    const back = await other.submitForm('/sign-in?next=%2Fprofile%2Factivity', '/sign-in', {
      email: OWNER.email,
      password: OWNER.password,
      next: '/profile/activity',
      rememberMe: '1',
    });
    expect(location(back)).toBe('/profile/activity');
    expect(String(back.headers['set-cookie'])).toMatch(/tf_session=[^;]+;[^,]*Max-Age=\d+/);
  });

  it('sign-in with two-factor authentication goes to the challenge page without a session', async () => {
    const { owner } = await setUpOwner(t);
    await enrolTotp(t, owner, OWNER.password);
    const anon = new Client(t.app);
    const response = await anon.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(response.statusCode).toBe(303);
    expect(location(response)).toBe('/sign-in/challenge');
    expect(anon.cookie('tf_session')).toBeUndefined();
    expect(anon.cookie('tf_challenge')).toBeDefined();
  });

  it('each page answers the right person: owner 200, staff 403, non-member 404, anonymous to sign-in', async () => {
    const { owner, orgId } = await setUpOwner(t);
    const { staff } = await addStaff(owner, orgId);
    const orgPagesList = [`/orgs/${orgId}/members`, `/orgs/${orgId}/settings`, `/orgs/${orgId}/audit`];
    for (const url of ['/profile', '/profile/activity', ...orgPagesList]) {
      const response = await owner.get(url);
      expect(response.statusCode, url).toBe(200);
      expect(String(response.headers['content-type'])).toContain('text/html');
      expect(response.body, url).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(response.body, url).not.toMatch(/\sstyle=/);
    }
    expect((await staff.get('/profile')).statusCode).toBe(200);
    for (const url of orgPagesList) {
      const response = await staff.get(url);
      expect(response.statusCode, url).toBe(403);
      expect(response.body).toContain('forbidden');
    }
    expect((await owner.get('/orgs/no-such-org/members')).statusCode).toBe(404);
    const anon = new Client(t.app);
    for (const url of ['/profile', `/orgs/${orgId}/members`]) {
      const response = await anon.get(url);
      expect(response.statusCode).toBe(303);
      expect(location(response)).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    }
    const settings = await owner.get(`/orgs/${orgId}/settings`);
    expect(settings.body).toContain('Security policy (two-factor requirement, grace period, trusted devices)');
    expect(settings.body).toContain('7 days');
  });

  it('a form post without _csrf, or from another origin, is refused with the csrf_failed page', async () => {
    const { owner, orgId } = await setUpOwner(t);
    const cookie = `tf_session=${owner.cookie('tf_session')}`;
    const forms: Array<[string, Record<string, string>]> = [
      ['/sign-out', {}],
      ['/profile/sessions/revoke-all', {}],
      [`/orgs/${orgId}/invitations`, { email: 'x@acme.test', role: 'staff' }],
      ['/sign-in', { email: OWNER.email, password: OWNER.password }],
    ];
    for (const [url, fields] of forms) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, cookie },
        payload: new URLSearchParams(fields).toString(),
      });
      expect(response.statusCode, url).toBe(403);
      expect(String(response.headers['content-type'])).toContain('text/html');
      expect(response.body).toContain('csrf_failed');
    }
    // The right token, but posted from another site.
    const page = await owner.get('/profile');
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/profile/sessions/revoke-all',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.test',
        cookie: `${cookie}; tf_csrf=${owner.cookie('tf_csrf')}`,
      },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body) }).toString(),
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.body).toContain('csrf_failed');
    expect((await owner.get('/api/v1/session')).statusCode).toBe(200);
    expect(await t.ctx.db.kysely.selectFrom('invitations').select('id').execute()).toHaveLength(0);
  });

  it('forgot password: the same answer for a known and an unknown email; the reset link works once and does not sign in', async () => {
    await setUpOwner(t);
    const anon = new Client(t.app);
    const unknown = await anon.submitForm('/forgot-password', '/forgot-password', { email: 'nobody@acme.test' });
    const known = await anon.submitForm('/forgot-password', '/forgot-password', { email: OWNER.email });
    expect(unknown.statusCode).toBe(303);
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(location(known)).toBe(location(unknown));
    expect(known.body).toBe(unknown.body);
    const sent = await anon.get(location(known));
    expect(sent.body).toContain('If an account exists for that address, we sent a link');

    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    expect((await anon.get('/reset-password?token=not-a-real-token-abcdefghijkl')).body).toContain(
      'invalid or has expired',
    );
    const form = await anon.get(`/reset-password?token=${token}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('autocomplete="new-password"');
    const weak = await anon.submitForm(`/reset-password?token=${token}`, '/reset-password', {
      token,
      password: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('role="alert"');
    const done = await anon.submitForm(`/reset-password?token=${token}`, '/reset-password', {
      token,
      password: 'ocean-maple-trumpet-77',
    });
    expect(location(done)).toBe('/sign-in?done=password_reset');
    expect(anon.cookie('tf_session')).toBeUndefined();
    expect((await anon.get('/sign-in?done=password_reset')).body).toContain('Password changed — sign in');
    const again = await anon.get(`/reset-password?token=${token}`);
    expect(again.body).toContain('invalid or has expired');
  });

  it('members page: invite, change a role, revoke an invitation, remove a member; errors stay in the page', async () => {
    const { owner, orgId } = await setUpOwner(t);
    const { staff, staffId } = await addStaff(owner, orgId);
    const members = await owner.get(`/orgs/${orgId}/members`);
    expect(members.body).toContain(STAFF.email);
    expect(members.body).toContain('2FA off');

    const duplicate = await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: STAFF.email,
      role: 'client',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toContain('That person is already a member.');
    expect(duplicate.body).toContain(`value="${STAFF.email}"`);

    const role = await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/members/${staffId}/role`, {
      role: 'admin',
    });
    expect(location(role)).toBe(`/orgs/${orgId}/members?done=role_changed`);
    expect((await staff.get(`/orgs/${orgId}/members`)).statusCode).toBe(200);
    const promote = await staff.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: 'boss@acme.test',
      role: 'owner',
    });
    expect(promote.statusCode).toBe(403);
    expect(promote.body).toContain('Only an owner can invite another owner.');

    await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: 'temp@acme.test',
      role: 'client',
    });
    const pending = await t.ctx.db.kysely
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', 'temp@acme.test')
      .executeTakeFirstOrThrow();
    const revoked = await owner.submitForm(
      `/orgs/${orgId}/members`,
      `/orgs/${orgId}/invitations/${pending.id}/revoke`,
      {},
    );
    expect(location(revoked)).toBe(`/orgs/${orgId}/members?done=invitation_revoked`);
    const twice = await owner.submitForm(
      `/orgs/${orgId}/members`,
      `/orgs/${orgId}/invitations/${pending.id}/revoke`,
      {},
    );
    expect(twice.statusCode).toBe(404);

    expect((await owner.get(`/orgs/${orgId}/members/${staffId}/remove`)).body).toContain(`Remove ${STAFF.name}?`);
    const removed = await owner.submitForm(
      `/orgs/${orgId}/members/${staffId}/remove`,
      `/orgs/${orgId}/members/${staffId}/remove`,
      {},
    );
    expect(location(removed)).toBe(`/orgs/${orgId}/members?done=removed`);
    expect((await staff.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('an invitation link shows the org and role; an existing account proves its password; a used link is invalid', async () => {
    const { owner, orgId } = await setUpOwner(t);
    const { staff } = await addStaff(owner, orgId);
    const usedToken = tokenFromLink((await lastEmailTo(t, STAFF.email)).text, '/invitations/accept');
    await enrolTotp(t, staff, STAFF.password);
    const used = await new Client(t.app).get(`/invitations/accept?token=${usedToken}`);
    expect(used.statusCode).toBe(400);
    expect(used.body).toContain('invalid or has expired');
    // A second invitation to the same person (after removal) asks for the existing account's password.
    const staffId = (
      await t.ctx.db.kysely.selectFrom('users').select('id').where('email', '=', STAFF.email).executeTakeFirstOrThrow()
    ).id;
    await owner.submitForm(`/orgs/${orgId}/members/${staffId}/remove`, `/orgs/${orgId}/members/${staffId}/remove`, {});
    await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: STAFF.email,
      role: 'client',
    });
    const token = tokenFromLink((await lastEmailTo(t, STAFF.email)).text, '/invitations/accept');
    const anon = new Client(t.app);
    const page = await anon.get(`/invitations/accept?token=${token}`);
    expect(page.body).toContain(OWNER.orgName);
    expect(page.body).toContain('Client');
    expect(page.body).toContain('Enter the password of your account');
    const wrong = await anon.submitForm(`/invitations/accept?token=${token}`, '/invitations/accept', {
      token,
      password: 'not-my-password-12',
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await anon.submitForm(`/invitations/accept?token=${token}`, '/invitations/accept', {
      token,
      password: STAFF.password,
    });
    // An existing account proved its password: no second password, but its second factor is still asked.
    expect(location(ok)).toBe('/sign-in/challenge');
    expect((await anon.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('profile: sessions with "This device", revoke one, change password, sign out everywhere; activity pages', async () => {
    const { owner } = await setUpOwner(t);
    const other = new Client(t.app);
    await other.request(
      'POST',
      '/api/v1/sign-in',
      { email: OWNER.email, password: OWNER.password },
      { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36' },
    );
    const profile = await owner.get('/profile');
    expect(profile.body).toContain('This device');
    expect(profile.body).toContain('Chrome on Windows');
    expect(profile.body).toContain('href="/profile/security"');
    expect(profile.body).toContain('Owner');
    const sessions = (await owner.get('/api/v1/me/sessions')).json() as {
      sessions: Array<{ id: string; current: boolean }>;
    };
    const otherId = sessions.sessions.find((s) => !s.current)!.id;
    const revoked = await owner.submitForm('/profile', `/profile/sessions/${otherId}/revoke`, {});
    expect(location(revoked)).toBe('/profile?done=session_revoked');
    expect(location(await other.get('/profile'))).toBe('/sign-in?next=%2Fprofile');

    const wrong = await owner.submitForm('/profile', '/profile/password', {
      currentPassword: 'not-the-password-1',
      newPassword: 'a-brand-new-passphrase-9',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Your current password is incorrect.');
    const changed = await owner.submitForm('/profile', '/profile/password', {
      currentPassword: OWNER.password,
      newPassword: 'a-brand-new-passphrase-9',
    });
    expect(location(changed)).toBe('/profile?done=password_changed');

    const activity = await owner.get('/profile/activity');
    expect(activity.statusCode).toBe(200);
    expect(activity.body).toContain('password.changed');
    expect(activity.body).toContain('session.revoked');
    expect((await owner.get('/profile/activity?before=garbage')).statusCode).toBe(400);

    const all = await owner.submitForm('/profile', '/profile/sessions/revoke-all', {});
    expect(location(all)).toBe('/sign-in?done=signed_out_everywhere');
    expect((await owner.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('audit page: filters by person and event, pages with an Older link', async () => {
    const { owner, orgId, ownerId } = await setUpOwner(t);
    for (let i = 0; i < 55; i += 1)
      await audit(
        t.ctx,
        { ip: '192.0.2.7', userAgent: 'test' },
        { event: 'reauthenticated', actorUserId: ownerId, targetUserId: ownerId },
      );
    const first = await owner.get(`/orgs/${orgId}/audit`);
    expect(first.statusCode).toBe(200);
    const older = /href="([^"]+before=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    const second = await owner.get(older!);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('setup.completed');
    const filtered = await owner.get(`/orgs/${orgId}/audit?userId=${ownerId}&event=setup.completed`);
    expect(filtered.body).toContain('setup.completed');
    expect(filtered.body).not.toContain('<code class="event">reauthenticated</code>');
    expect((await owner.get(`/orgs/${orgId}/audit?event=made.up`)).statusCode).toBe(400);
  });

  it('the dev outbox lists messages with clickable links and escaped text', async () => {
    const { owner, orgId } = await setUpOwner(t);
    await t.ctx.mail.send(
      {
        to: 'someone@acme.test',
        subject: 'Hello <b>there</b>',
        text: 'Open https://example.test/a?b=1&c=<script>x</script> now.',
        html: '',
      },
      t.clock.now(),
    );
    await owner.submitForm(`/orgs/${orgId}/members`, `/orgs/${orgId}/invitations`, {
      email: STAFF.email,
      role: 'staff',
    });
    const outbox = await new Client(t.app).get('/dev/outbox');
    expect(outbox.statusCode).toBe(200);
    expect(outbox.body).toMatch(/<a href="http:\/\/localhost:3000\/invitations\/accept\?token=[A-Za-z0-9_%-]+">/);
    expect(outbox.body).toContain(
      '<a href="https://example.test/a?b=1&amp;c=">https://example.test/a?b=1&amp;c=</a>&lt;script&gt;x&lt;/script&gt; now.',
    );
    expect(outbox.body).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
    expect(outbox.body).not.toContain('<script>');
  });
});

describe.each(DIALECTS)('dev pages in production (%s)', (dialect) => {
  it('/dev/outbox does not exist when NODE_ENV=production', async () => {
    const t = await createTestApp(dialect, { env: { NODE_ENV: 'production' } });
    try {
      const response = await new Client(t.app).get('/dev/outbox');
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('Page not found');
    } finally {
      await t.close();
    }
  });
});
