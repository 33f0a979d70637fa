/** The 2FA and org-security pages over plain form posts (no JavaScript), on both databases. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

function secretFrom(page: string): string {
  const match = /id="totp-secret">([A-Z2-7 ]+)</.exec(page);
  if (!match) throw new Error('no secret on the page');
  return match[1]!.replace(/ /g, '');
}

describe.each(DIALECTS)('security pages (%s)', (dialect) => {
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

  async function enableOnPages(client: Client): Promise<{ secret: string; codes: string[] }> {
    const setup = await client.get('/profile/security/totp');
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain('<svg');
    const secret = secretFrom(setup.body);
    const enrollmentId = /name="enrollmentId" value="([^"]+)"/.exec(setup.body)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(setup.body)![1]!;
    const done = await client.postForm('/profile/security/totp', {
      _csrf: csrf,
      enrollmentId,
      code: codeAt(secret, t.clock.now()),
      label: 'Phone',
    });
    expect(done.statusCode).toBe(200);
    const codes = [...done.body.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(done.body).toContain('Download .txt');
    t.clock.advanceSeconds(30);
    return { secret, codes };
  }

  it('turns on an authenticator app, signs in through the challenge page, and trusts the browser', async () => {
    const { secret } = await enableOnPages(owner);
    const security = await owner.get('/profile/security');
    expect(security.body).toContain('Phone');
    expect(security.body).toContain('10 of 10 backup codes left');

    const browser = new Client(t.app, '10.3.3.3');
    const signIn = await browser.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(signIn.json().status).toBe('second_factor_required');
    const challenge = await browser.get('/sign-in/challenge');
    expect(challenge.body).toContain('Enter the code from your authenticator app');
    expect(challenge.body).toContain('Trust this device for 30 days');
    expect(challenge.body).toContain('Use a backup code');
    const wrong = await browser.submitForm('/sign-in/challenge', '/sign-in/challenge', {
      method: 'totp',
      code: '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('4 attempts left');
    const ok = await browser.submitForm('/sign-in/challenge', '/sign-in/challenge', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
      trustDevice: '1',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/profile');
    expect(browser.cookie('tf_trusted')).toBeDefined();
    const devices = await browser.get('/profile/security');
    expect(devices.body).toContain('Trusted browsers');
    expect(devices.body).toMatch(/devices\/[A-Za-z0-9_-]+\/revoke/);
  });

  it('asks for a re-authentication with the factor before regenerating backup codes', async () => {
    const { secret } = await enableOnPages(owner);
    t.clock.advanceSeconds(11 * 60);
    await owner.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const browser = owner;
    const verify = await browser.post('/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(verify.statusCode).toBe(200);
    t.clock.advanceSeconds(11 * 60);
    await browser.get('/api/v1/session'); // keep it alive
    const ask = await browser.submitForm('/profile/security', '/profile/security/backup-codes', {});
    expect(ask.statusCode).toBe(403);
    expect(ask.body).toContain('Confirm it');
    t.clock.advanceSeconds(30);
    const confirmed = await browser.submitForm('/profile/security/confirm', '/profile/security/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
      next: '/profile/security',
    });
    expect(confirmed.statusCode).toBe(303);
    const regenerated = await browser.submitForm('/profile/security', '/profile/security/backup-codes', {});
    expect(regenerated.statusCode).toBe(200);
    expect(regenerated.body).toContain('Your new backup codes');
  });

  it('sends every action that needs a fresh re-authentication to "Confirm it\'s you" and back to its page', async () => {
    t.clock.advanceSeconds(11 * 60);
    // A page asked for: redirected there, and back once confirmed.
    for (const page of ['/profile/security/totp', '/profile/security/passkey', '/profile/security/phone']) {
      const asked = await owner.get(page);
      expect(asked.statusCode, page).toBe(303);
      expect(asked.headers.location, page).toBe(`/profile/security/confirm?next=${encodeURIComponent(page)}`);
    }
    // A form posted: the confirm form in its place, leading back to the form's own page, or to Security.
    const phone = await owner.submitForm('/profile/security/confirm', '/profile/security/phone', {
      phone: '+12015550123',
      channel: 'sms',
    });
    expect(phone.statusCode).toBe(403);
    expect(phone.body).toContain('Confirm it');
    expect(phone.body).toContain('name="next" value="/profile/security/phone"');
    const codes = await owner.submitForm('/profile/security', '/profile/security/backup-codes', {});
    expect(codes.statusCode).toBe(403);
    expect(codes.body).toContain('name="next" value="/profile/security"');
    const confirmed = await owner.submitForm('/profile/security/confirm', '/profile/security/reauthenticate', {
      password: OWNER.password,
      next: '/profile/security/phone',
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/profile/security/phone');
    expect((await owner.get('/profile/security/phone')).statusCode).toBe(200);
  });

  it('after "Confirm it\'s you", the action that asked for it completes with what was entered (no lost changes)', async () => {
    const { secret } = await enableOnPages(owner);
    t.clock.advanceSeconds(11 * 60);
    await owner.get('/api/v1/session');
    /** Submits the confirmation form shown in place of a posted form, with its hidden fields. */
    const confirmFrom = async (page: string, fields: Record<string, string>) => {
      const hidden = Object.fromEntries(
        [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
          m[1]!,
          m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
        ]),
      );
      expect(hidden.resume, 'the posted action travels with the form').toBeTruthy();
      return owner.postForm('/profile/security/reauthenticate', { ...hidden, ...fields });
    };
    const ask = await owner.submitForm('/profile/security', '/profile/security/backup-codes', {});
    expect(ask.statusCode).toBe(403);
    // A wrong password keeps the pending action on the form.
    const wrong = await confirmFrom(ask.body, { password: 'not-my-password-at-all', method: 'totp', code: '000000' });
    expect(wrong.statusCode).toBe(401);
    t.clock.advanceSeconds(30);
    const done = await confirmFrom(wrong.body, {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your new backup codes');
    const regenerated = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('id')
      .where('event', '=', 'backup_codes.regenerated')
      .execute();
    expect(regenerated).toHaveLength(1);

    // The sealed action is bound to the session that posted it: another session cannot run it.
    t.clock.advanceSeconds(11 * 60);
    await owner.get('/api/v1/session');
    const again = await owner.submitForm('/profile/security', '/profile/security/backup-codes', {});
    const other = new Client(t.app);
    await other.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    t.clock.advanceSeconds(30);
    await other.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    const resume = /name="resume" value="([^"]+)"/.exec(again.body)![1]!;
    t.clock.advanceSeconds(30);
    const stolen = await other.submitForm('/profile/security/confirm', '/profile/security/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
      next: '/profile/security',
      resume,
    });
    expect(stolen.statusCode).toBe(303);
    expect(
      await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'backup_codes.regenerated')
        .execute(),
    ).toHaveLength(1);
  });

  it('org policy: review shows how many members are affected, confirm saves; compliance lists members; reset asks for a reason', async () => {
    const staff = await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'nurse@acme.test',
      role: 'staff',
      password: 'quiet-meadow-copper-81',
    });
    const review = await owner.submitForm(`/orgs/${orgId}/security`, `/orgs/${orgId}/security`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: '7',
      trustedDeviceDays: '30',
      allowedMethods: 'totp',
      selfServiceRecovery: '1',
    });
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('2 members without two-factor authentication will have to set it up within 7 days');
    const policyBefore = (await owner.get(`/api/v1/orgs/${orgId}/policy`)).json();
    expect(policyBefore.requireTwoFactor).toBe('off');
    const saved = await owner.submitForm(`/orgs/${orgId}/security`, `/orgs/${orgId}/security`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: '7',
      trustedDeviceDays: '30',
      allowedMethods: 'totp',
      selfServiceRecovery: '1',
      confirmed: '1',
    });
    expect(saved.statusCode).toBe(303);
    expect((await owner.get(`/api/v1/orgs/${orgId}/policy`)).json()).toMatchObject({
      requireTwoFactor: 'staff',
      allowedMethods: ['totp'],
    });
    const compliance = await owner.get(`/orgs/${orgId}/compliance?filter=without`);
    expect(compliance.body).toContain('nurse@acme.test');
    expect(compliance.body).toContain('<svg class="chart"');
    const reset = await owner.get(`/orgs/${orgId}/members/${staff.id}/reset`);
    expect(reset.body).toContain('Reset two-factor authentication of nurse@acme.test?');
    const bad = await owner.submitForm(`/orgs/${orgId}/security`, `/orgs/${orgId}/security`, {
      requireTwoFactor: 'staff',
      gracePeriodDays: '99',
      trustedDeviceDays: '30',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('past the deadline every page leads to enrolment, and the reminder page counts the days during grace', async () => {
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: 'late@acme.test',
      role: 'staff',
      password: 'quiet-meadow-copper-81',
    });
    await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 3 });
    const late = new Client(t.app, '10.4.4.4');
    await late.post('/api/v1/sign-in', { email: 'late@acme.test', password: 'quiet-meadow-copper-81' });
    const reminder = await late.get('/sign-in/two-factor-reminder');
    expect(reminder.body).toContain('3 days left');
    expect(reminder.body).toContain('Set up now');
    t.clock.advanceSeconds(4 * 86400);
    await late.post('/api/v1/sign-in', { email: 'late@acme.test', password: 'quiet-meadow-copper-81' });
    const blocked = await late.get('/profile/api-keys');
    expect(blocked.statusCode).toBe(303);
    expect(blocked.headers.location).toBe('/profile/security');
    const security = await late.get('/profile/security');
    expect(security.statusCode).toBe(200);
    expect(security.body).toContain('requires two-factor authentication');
  });

  it('the setup page keeps its key after a wrong code; Remove asks first; Turn off is its own page (no script)', async () => {
    const first = await owner.get('/profile/security/totp');
    const secret = secretFrom(first.body);
    const enrollmentId = /name="enrollmentId" value="([^"]+)"/.exec(first.body)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(first.body)![1]!;
    const wrongCode = codeAt(secret, t.clock.now()) === '123456' ? '654321' : '123456';
    const wrong = await owner.postForm('/profile/security/totp', { _csrf: csrf, enrollmentId, code: wrongCode });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toMatch(
      /That code didn(&#39;|&#x27;|')t match — check the time on your phone|clock seems to be/,
    );
    expect(secretFrom(wrong.body)).toBe(secret);
    expect(secretFrom((await owner.get('/profile/security/totp')).body)).toBe(secret);
    expect(secretFrom((await owner.get('/profile/security/totp?restart=1')).body)).not.toBe(secret);
    await enableOnPages(owner);
    const factorId = (await owner.get('/api/v1/me/factors')).json().factors[0].id;
    const ask = await owner.get(`/profile/security/factors/${factorId}/remove`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('This is your last sign-in method, so two-factor authentication turns off.');
    expect(ask.body).toContain('Remove and turn off 2FA');
    // Nothing was removed by looking.
    expect((await owner.get('/api/v1/me/factors')).json().factors).toHaveLength(1);
    const security = await owner.get('/profile/security');
    expect(security.body).toContain('href="/profile/security/disable"');
    expect(security.body).not.toContain('id="disable-password"');
    const turnOff = await owner.get('/profile/security/disable');
    expect(turnOff.body).toContain('id="disable-password"');
    expect(turnOff.body).toContain('href="/forgot-password"');
    const removed = await owner.submitForm(
      `/profile/security/factors/${factorId}/remove`,
      `/profile/security/factors/${factorId}/remove`,
      {},
    );
    expect(removed.headers.location).toBe('/profile/security?done=off');
  });
});

describe.each(DIALECTS)('import page (%s)', (dialect) => {
  it('an admin pastes CSV: rows join this org whatever their org column, rejected rows are listed, the import is audited', async () => {
    const t = await createTestApp(dialect);
    try {
      const { owner, orgId } = await setUpOwner(t);
      const csv =
        'email,org,role,name\nnew1@acme.test,Elsewhere,staff,"Doe, Jane"\nnot-an-email,Acme Clinic,staff,\nnew2@acme.test,,client,\n';
      const r = await owner.submitForm(`/orgs/${orgId}/import`, `/orgs/${orgId}/import`, { csv });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('Read 3 rows: 2 new accounts');
      expect(r.body).toContain('Line 3 (not-an-email): email is missing or not valid');
      const members = (await owner.get(`/api/v1/orgs/${orgId}/members`)).json().members as Array<{
        email: string;
        name: string;
      }>;
      expect(members.map((m) => m.email).sort()).toEqual(['new1@acme.test', 'new2@acme.test', OWNER.email].sort());
      expect(members.find((m) => m.email === 'new1@acme.test')!.name).toBe('Doe, Jane');
      expect(
        await t.ctx.db.kysely.selectFrom('orgs').select('name').where('name', '=', 'Elsewhere').executeTakeFirst(),
      ).toBeUndefined();
      expect(
        await t.ctx.db.kysely.selectFrom('audit_events').select('id').where('event', '=', 'members.imported').execute(),
      ).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
