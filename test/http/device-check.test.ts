/**
 * The new-device check (docs/decisions.md "New-device check"): a member without 2FA signing in with a
 * password from a browser never seen for the account gets a code by email before the session opens — one
 * email, which replaces the "new sign-in" notice — once per browser; members with 2FA are unaffected, and
 * an org may turn it off or widen it to clients. On by default for staff.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, subjectsTo, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';
import { lastEmailCode } from '../helpers/email-codes.ts';

const CLIENT_EMAIL = 'patient@acme.test';
const PASSWORD = 'quiet-meadow-copper-81';

describe.each(DIALECTS)('new-device check (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  let orgId: string;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    ({ owner, orgId } = await setUpOwner(t, { newDeviceCheck: 'staff' }));
  });
  afterEach(async () => {
    await t.close();
  });

  async function setCheck(newDeviceCheck: 'off' | 'staff' | 'everyone'): Promise<void> {
    expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
    const changed = await owner.patch(`/api/v1/orgs/${orgId}/policy`, { newDeviceCheck });
    expect(changed.statusCode, changed.body).toBe(200);
  }

  async function signIn(client: Client, email = OWNER.email, password = OWNER.password) {
    return client.post('/api/v1/sign-in', { email, password });
  }

  it('is on for staff in a new org by default', async () => {
    const fresh = await createTestApp(dialect);
    try {
      const first = new Client(fresh.app);
      const setup = await first.post('/api/v1/setup', OWNER);
      expect(setup.statusCode).toBe(201);
      const policy = await first.get(`/api/v1/orgs/${setup.json().org.id}/policy`);
      expect(policy.json()).toMatchObject({ newDeviceCheck: 'staff', emailCodes: 'off' });
    } finally {
      await fresh.close();
    }
  });

  it('a new browser gets one email with a code; the code opens the session; the same browser is not asked again', async () => {
    const before = (await subjectsTo(t, OWNER.email)).length;
    const browser = new Client(t.app);
    const asked = await signIn(browser);
    expect(asked.statusCode).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'device_check_required', methods: ['email'] });
    expect(browser.cookie('tf_session')).toBeUndefined();
    expect((await browser.get('/api/v1/session')).statusCode).toBe(401);
    const mail = await lastEmailTo(t, OWNER.email);
    expect(mail.subject).toContain('Confirm a sign-in from a new device');
    expect(mail.text).toContain('IP address 127.0.0.1');
    const code = await lastEmailCode(t);
    // A device check takes only the emailed code.
    expect((await browser.post('/api/v1/sign-in/verify', { method: 'totp', code: '123456' })).statusCode).toBe(400);
    const verified = await browser.post('/api/v1/sign-in/verify', { method: 'email', code });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().status).toBe('signed_in');
    const session = (await browser.get('/api/v1/session')).json();
    expect(session.amr).toEqual(['pwd', 'email']);
    // One email for this sign-in: the code, not also "New sign-in to your account".
    const subjects = (await subjectsTo(t, OWNER.email)).slice(before);
    expect(subjects).toHaveLength(1);
    expect(subjects.some((s) => s.includes('New sign-in'))).toBe(false);
    // The same browser again: straight in, no email.
    expect((await browser.delete('/api/v1/session')).statusCode).toBe(204);
    expect((await signIn(browser)).json().status).toBe('signed_in');
    expect((await subjectsTo(t, OWNER.email)).slice(before)).toHaveLength(1);
    // A wrong or reused code does not open a session on another new browser.
    const other = new Client(t.app);
    expect((await signIn(other)).json().status).toBe('device_check_required');
    expect((await other.post('/api/v1/sign-in/verify', { method: 'email', code })).statusCode).toBe(401);
  });

  it('without the check, a new browser signs in at once and gets the "new sign-in" email as before', async () => {
    await setCheck('off');
    const before = (await subjectsTo(t, OWNER.email)).length;
    expect((await signIn(new Client(t.app))).json().status).toBe('signed_in');
    const subjects = (await subjectsTo(t, OWNER.email)).slice(before);
    expect(subjects).toEqual([expect.stringContaining('New sign-in to your account')]);
  });

  it('members with 2FA are unaffected: their second step is asked, not a device check', async () => {
    await enrolTotp(t, owner, OWNER.password);
    const response = await signIn(new Client(t.app));
    expect(response.json().status).toBe('second_factor_required');
  });

  it('clients are asked only when the org widens the check to everyone', async () => {
    await createMember(t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: CLIENT_EMAIL,
      role: 'client',
      password: PASSWORD,
    });
    // The first sign-in ever is the account's first browser: nothing to compare with.
    expect((await signIn(new Client(t.app), CLIENT_EMAIL, PASSWORD)).json().status).toBe('signed_in');
    expect((await signIn(new Client(t.app), CLIENT_EMAIL, PASSWORD)).json().status).toBe('signed_in');
    await setCheck('everyone');
    expect((await signIn(new Client(t.app), CLIENT_EMAIL, PASSWORD)).json().status).toBe('device_check_required');
  });

  it('a new code by email for the check (after the cooldown); no text or call', async () => {
    const browser = new Client(t.app);
    expect((await signIn(browser)).json().status).toBe('device_check_required');
    const first = await lastEmailCode(t);
    expect((await browser.post('/api/v1/sign-in/send', { method: 'sms' })).statusCode).toBe(400);
    expect((await browser.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(429);
    t.clock.advanceSeconds(61);
    expect((await browser.post('/api/v1/sign-in/send', { method: 'email' })).statusCode).toBe(202);
    const second = await lastEmailCode(t);
    expect((await browser.post('/api/v1/sign-in/verify', { method: 'email', code: first })).statusCode).toBe(401);
    expect((await browser.post('/api/v1/sign-in/verify', { method: 'email', code: second })).statusCode).toBe(200);
  });

  it('in the browser: the sign-in form leads to the check page, and the code to the profile', async () => {
    const browser = new Client(t.app);
    const page = await browser.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const posted = await browser.postForm('/sign-in', { _csrf: csrf, email: OWNER.email, password: OWNER.password });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/sign-in/challenge');
    const challenge = await browser.get('/sign-in/challenge');
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toContain('a new device');
    expect(challenge.body).toContain('o•••@acme.test');
    expect(challenge.body).not.toContain('Trust this device');
    // Opening the page did not send a second code.
    expect((await subjectsTo(t, OWNER.email)).filter((s) => s.includes('new device'))).toHaveLength(1);
    const done = await browser.submitForm('/sign-in/challenge', '/sign-in/challenge', {
      method: 'email',
      code: await lastEmailCode(t),
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/profile');
    expect((await browser.get('/profile')).statusCode).toBe(200);
  });
});
