/**
 * Forward auth with Debian's real nginx (`auth_request`) in front of a small app, in Chromium: not signed in →
 * twofold's sign-in (password + authenticator code) → back on the app, which sees Remote-User/-Email/-Groups;
 * a member without 2FA on a host that requires two factors is refused with a page saying why; signing out of
 * twofold shuts the app too. Malformed or planted cookies never get through (the shape of authentik
 * CVE-2026-25748). Axe on every twofold page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner, type Client } from '../helpers/app.ts';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const STAFF = { email: 'nurse@acme.test', password: 'quiet-meadow-copper-81' };

describe.each(DIALECTS)('forward auth behind nginx (%s)', (dialect) => {
  let rig: BrowserRig;
  let nginx: Nginx;
  let owner: Client;
  let ownerId: string;
  let secret: string;

  beforeAll(async () => {
    rig = await startRig(dialect);
    let orgId: string;
    ({ owner, orgId, ownerId } = await setUpOwner(rig.t));
    ({ secret } = await enrolTotp(rig.t, owner, OWNER.password));
    nginx = await startNginx(rig.base);
    expect(
      (
        await owner.post('/api/v1/me/reauthenticate', {
          password: OWNER.password,
          method: 'totp',
          code: codeAt(secret, rig.t.clock.now()),
        })
      ).statusCode,
    ).toBe(200);
    rig.t.clock.advanceSeconds(30);
    const added = await owner.post(`/api/v1/orgs/${orgId}/forward-auth-hosts`, {
      host: nginx.host,
      requireTwoFactor: true,
    });
    expect(added.statusCode, added.body).toBe(201);
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: STAFF.email,
      role: 'staff',
      password: STAFF.password,
    });
  }, 60_000);
  afterAll(async () => {
    await nginx?.close();
    await rig?.close();
  });

  it(
    'signs in through twofold and reaches the app with the identity headers; sign-out shuts it again',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await rig.newPage();
      await step(page, 'forward-auth-sign-in', async () => {
        await page.goto(`${nginx.url}/pages/home?x=1`);
        await page.waitForURL((url) => url.origin === rig.base && url.pathname === '/sign-in');
        await expectAccessible(page);
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/sign-in/challenge');
        await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, rig.t.clock.now()));
        rig.t.clock.advanceSeconds(30);
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL((url) => url.origin === nginx.url && url.pathname === '/pages/home');
      });
      await step(page, 'forward-auth-app', async () => {
        expect(await page.locator('#user').textContent()).toBe(ownerId);
        expect(await page.locator('#email').textContent()).toBe(OWNER.email);
        expect(await page.locator('#groups').textContent()).toBe('owner');
        expect(await page.locator('#path').textContent()).toBe('/pages/home?x=1');
        // The token cookie belongs to the app's host only; twofold's session cookie never reaches it.
        const cookies = await context.cookies(nginx.url);
        expect(cookies.map((c) => c.name)).toEqual(['tf_fa']);
        expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      });
      await step(page, 'forward-auth-signed-out', async () => {
        await page.goto(`${rig.base}/profile`);
        await page
          .getByRole('button', { name: /Sign out/ })
          .first()
          .click();
        await page.waitForURL((url) => url.origin === rig.base && url.pathname === '/sign-in');
        await page.goto(`${nginx.url}/pages/home`);
        await page.waitForURL((url) => url.origin === rig.base && url.pathname === '/sign-in');
      });
      await context.close();
    },
  );

  it(
    'a member without two factors is told why the app refuses, and the app sees nothing',
    { timeout: 60_000 },
    async () => {
      const { context, page } = await rig.newPage();
      await step(page, 'forward-auth-needs-2fa', async () => {
        await page.goto(`${nginx.url}/`);
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await page.getByLabel('Email').fill(STAFF.email);
        await page.getByLabel('Password', { exact: true }).fill(STAFF.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expect
          .poll(() => page.getByRole('heading', { name: 'This app needs two-factor authentication' }).count())
          .toBe(1);
        expect(new URL(page.url()).origin).toBe(rig.base);
        await expectAccessible(page);
        expect(await context.cookies(nginx.url)).toEqual([]);
      });
      await context.close();
    },
  );

  it('never lets a malformed, planted, duplicated or foreign cookie through: always the sign-in redirect, never the app', async () => {
    const valid = 'A'.repeat(43);
    for (const cookie of [
      'tf_fa=',
      'tf_fa=garbage',
      'tf_fa=%00%00',
      `tf_fa=${'A'.repeat(5000)}`,
      `tf_fa=${valid}`,
      `tf_fa=${valid}; tf_fa=${'B'.repeat(43)}`,
      `__Host-tf_fa=${valid}`,
      'tf_fa',
      ';;;=;tf_fa==x',
      `tf_session=${valid}`,
    ]) {
      const response = await fetch(`${nginx.url}/secret`, { headers: { cookie }, redirect: 'manual' });
      expect(response.status, cookie.slice(0, 60)).toBe(302);
      expect(response.headers.get('location')!.startsWith(`${rig.base}/forward-auth/start?rd=`)).toBe(true);
      expect(await response.text()).not.toContain('Wiki');
    }
  });
});
