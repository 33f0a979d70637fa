import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, ORIGIN, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolPasskey, enrolTotp } from '../helpers/two-factor.ts';

const DAY = 86_400;

describe.each(DIALECTS)('the 2FA check-up 28 days after turning 2FA on (%s)', (dialect) => {
  let t: TestApp;
  let orgId: string;
  let secret: string;
  let owner: Client;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    const setUp = await setUpOwner(t);
    orgId = setUp.orgId;
    owner = setUp.owner;
    ({ secret } = await enrolTotp(t, setUp.owner, OWNER.password));
  });
  afterEach(async () => {
    await t.close();
  });

  /** A JSON sign-in with password and TOTP; returns the client and the second step's answer. */
  async function signIn(): Promise<{ client: Client; answer: Record<string, unknown> }> {
    t.clock.advanceSeconds(30); // a fresh TOTP step each time
    const client = new Client(t.app);
    const first = await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect(first.json().status).toBe('second_factor_required');
    const second = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(second.statusCode).toBe(200);
    return { client, answer: second.json() };
  }

  async function audited(event: string): Promise<number> {
    const rows = await t.ctx.db.kysely.selectFrom('audit_events').select('id').where('event', '=', event).execute();
    return rows.length;
  }

  async function complianceCheckup(client: Client): Promise<string> {
    const r = await client.get(`/api/v1/orgs/${orgId}/compliance`);
    expect(r.statusCode).toBe(200);
    return (r.json() as { members: Array<{ checkup: string }> }).members[0]!.checkup;
  }

  it('appears once at day 28 (not at day 27), and not again once done; the compliance view shows who has not done it', async () => {
    t.clock.advanceSeconds(27 * DAY);
    const day27 = await signIn();
    expect(day27.answer.checkup).toBeUndefined();
    expect(await complianceCheckup(day27.client)).toBe('not_yet');
    expect((await day27.client.post('/api/v1/me/checkup', { action: 'done' })).json().error.code).toBe('conflict');

    t.clock.advanceSeconds(DAY);
    const day28 = await signIn();
    expect(day28.answer.checkup).toEqual({ due: true });
    expect(await complianceCheckup(day28.client)).toBe('due');
    const done = await day28.client.post('/api/v1/me/checkup', { action: 'done' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ status: 'done', askAgain: false });
    expect(await complianceCheckup(day28.client)).toBe('done');
    expect(await audited('checkup.completed')).toBe(1);

    const later = await signIn();
    expect(later.answer.checkup).toBeUndefined();
    t.clock.advanceSeconds(60 * DAY);
    expect((await signIn()).answer.checkup).toBeUndefined();
    expect((await later.client.post('/api/v1/me/checkup', { action: 'done' })).statusCode).toBe(401); // signed out by time
  });

  it('a passkey as the second step announces it too (a factor added later does not restart the count)', async () => {
    const key = new SoftAuthenticator({ origin: ORIGIN });
    const sudo = await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(sudo.statusCode).toBe(200);
    await enrolPasskey(owner, key);
    t.clock.advanceSeconds(28 * DAY);
    const client = new Client(t.app);
    await client.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    const options = (await client.post('/api/v1/sign-in/passkey/options')).json();
    const signedIn = await client.post('/api/v1/sign-in/passkey', { response: key.get(options) });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ status: 'signed_in', checkup: { due: true } });
    expect((await client.post('/api/v1/me/checkup', { action: 'done' })).statusCode).toBe(200);
  });

  it('skippable once: asked again at the next sign-in; the second skip ends it', async () => {
    t.clock.advanceSeconds(28 * DAY);
    const first = await signIn();
    expect(first.answer.checkup).toEqual({ due: true });
    expect((await first.client.post('/api/v1/me/checkup', { action: 'skip' })).json()).toEqual({
      status: 'skipped',
      askAgain: true,
    });
    // Answered for this sign-in: a second answer in the same breath is refused.
    const second = await signIn();
    expect(second.answer.checkup).toEqual({ due: true });
    const skips = await Promise.all([
      second.client.post('/api/v1/me/checkup', { action: 'skip' }),
      second.client.post('/api/v1/me/checkup', { action: 'skip' }),
    ]);
    expect(skips.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(skips.find((r) => r.statusCode === 200)!.json()).toEqual({ status: 'skipped', askAgain: false });
    expect((await signIn()).answer.checkup).toBeUndefined();
    expect(await complianceCheckup(second.client)).toBe('skipped');
    expect(await audited('checkup.skipped')).toBe(2);
  });

  it('"done" needs a second-factor proof within the sudo window; turning 2FA on again starts a new check-up', async () => {
    t.clock.advanceSeconds(28 * DAY);
    const { client } = await signIn();
    t.clock.advanceSeconds(11 * 60);
    const stale = await client.post('/api/v1/me/checkup', { action: 'done' });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('reauthentication_required');
    t.clock.advanceSeconds(30);
    const reauth = await client.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(reauth.statusCode).toBe(200);
    expect((await client.post('/api/v1/me/checkup', { action: 'done' })).statusCode).toBe(200);

    t.clock.advanceSeconds(30);
    const off = await client.post('/api/v1/me/two-factor/disable', {
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(off.statusCode).toBe(200);
    t.clock.advanceSeconds(30);
    ({ secret } = await enrolTotp(t, client, OWNER.password));
    t.clock.advanceSeconds(27 * DAY);
    expect((await signIn()).answer.checkup).toBeUndefined();
    t.clock.advanceSeconds(DAY);
    expect((await signIn()).answer.checkup).toEqual({ due: true });
  });

  it('pages: the second step leads to the check-up once at day 28; "Done" needs the backup-codes box; new codes can be had', async () => {
    t.clock.advanceSeconds(28 * DAY);
    const pageSignIn = async (client: Client) => {
      t.clock.advanceSeconds(30);
      const first = await client.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password });
      expect(first.headers.location).toBe('/sign-in/challenge');
      return client.submitForm('/sign-in/challenge', '/sign-in/challenge', {
        method: 'totp',
        code: codeAt(secret, t.clock.now()),
      });
    };
    const browser = new Client(t.app);
    const second = await pageSignIn(browser);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe('/sign-in/checkup?next=%2Fprofile');
    const page = await browser.get('/sign-in/checkup?next=%2Fprofile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('I still have my backup codes');
    const unticked = await browser.submitForm('/sign-in/checkup', '/sign-in/checkup', {
      action: 'done',
      next: '/profile',
    });
    expect(unticked.statusCode).toBe(400);
    const fresh = await browser.submitForm('/sign-in/checkup', '/sign-in/checkup', {
      action: 'new_codes',
      next: '/profile',
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toContain('Your new backup codes');
    expect(await audited('backup_codes.regenerated')).toBe(1);
    expect(await audited('checkup.completed')).toBe(1);

    const again = await pageSignIn(new Client(t.app));
    expect(again.headers.location).toBe('/profile');
  });

  it('pages: "Done" after the sudo window closes detours through "Confirm it\'s you" and then completes', async () => {
    t.clock.advanceSeconds(28 * DAY);
    const browser = new Client(t.app);
    t.clock.advanceSeconds(30);
    await browser.submitForm('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password });
    await browser.submitForm('/sign-in/challenge', '/sign-in/challenge', {
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    t.clock.advanceSeconds(11 * 60);
    const ask = await browser.submitForm('/sign-in/checkup', '/sign-in/checkup', {
      action: 'done',
      haveCodes: '1',
      next: '/profile',
    });
    expect(ask.statusCode).toBe(403);
    expect(ask.body).toContain('Confirm it');
    const hidden = Object.fromEntries(
      [...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
      ]),
    );
    const done = await browser.postForm('/profile/security/reauthenticate', {
      ...hidden,
      password: OWNER.password,
      method: 'totp',
      code: codeAt(secret, t.clock.now()),
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/profile');
    expect(await audited('checkup.completed')).toBe(1);
  });
});
