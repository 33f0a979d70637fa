/**
 * Signing in to an app through twofold in Chromium: the example app (examples/connect-your-app) sends the
 * browser to twofold, which asks for the password, the authenticator-app code and consent, and sends it
 * back with a code; the app shows acr/amr. Then the app signs out through twofold's confirmation page.
 * Every twofold page is checked with axe-core, and no Content-Security-Policy refusal (e.g. form-action on
 * a form whose post ends at the app) may show up in the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startExampleApp, type ExampleApp } from '../../examples/connect-your-app/app.mjs';
import { OWNER, setUpOwner, type Client } from '../helpers/app.ts';
import { expectAccessible, freePort, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const MEMBER_PASSWORD = 'quiet-meadow-copper-81';

describe.each(DIALECTS)('signing in to an app through twofold in a browser (%s)', (dialect) => {
  let rig: BrowserRig;
  let example: ExampleApp;
  let owner: Client;
  let secret: string;
  let ownerId: string;
  let orgId: string;

  /** A fresh authenticator-app code (each step is accepted once, so the clock moves on). */
  const code = () => {
    const value = codeAt(secret, rig.t.clock.now());
    rig.t.clock.advanceSeconds(30);
    return value;
  };

  beforeAll(async () => {
    rig = await startRig(dialect);
    ({ owner, orgId, ownerId } = await setUpOwner(rig.t));
    ({ secret } = await enrolTotp(rig.t, owner, OWNER.password));

    // The app's address must be known before it is registered (its redirect URIs).
    const port = await freePort();
    const appUrl = `http://localhost:${port}`;
    // Registering an app needs a fresh re-authentication: with 2FA on, the password and a code.
    const reauth = await owner.post('/api/v1/me/reauthenticate', {
      password: OWNER.password,
      method: 'totp',
      code: code(),
    });
    expect(reauth.statusCode, reauth.body).toBe(200);
    const registered = await owner.post(`/api/v1/orgs/${orgId}/oidc-clients`, {
      name: 'Example app',
      kind: 'confidential',
      redirectUris: [`${appUrl}/callback`],
      postLogoutRedirectUris: [`${appUrl}/`],
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const { client, clientSecret } = registered.json() as { client: { clientId: string }; clientSecret: string };
    example = await startExampleApp({
      issuer: `${rig.base}/oidc`,
      clientId: client.clientId,
      clientSecret,
      port,
      appUrl,
      host: '127.0.0.1',
    });
  }, 60_000);

  afterAll(async () => {
    await example?.close();
    await rig?.close();
  });

  const onTwofold = (url: URL) => url.origin === rig.base;
  const onApp = (url: URL) => url.origin === example.url;

  /** The value the example app shows for a claim in its table. */
  const claim = (page: Page, name: string) => page.locator(`td[data-claim="${name}"]`).textContent();

  it(
    'signs in with password + authenticator code + consent, shows acr/amr, signs in again without a page, and signs out through twofold',
    { timeout: 120_000 },
    async () => {
      const { context, page } = await rig.newPage();
      const cspErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
          cspErrors.push(`${page.url()}: ${message.text()}`);
      });

      await step(page, 'oidc-app-signed-out', async () => {
        await page.goto(example.url);
        await expect.poll(() => page.getByText('You are not signed in.').count()).toBe(1);
        await expectAccessible(page);
      });

      await step(page, 'oidc-sign-in-page', async () => {
        await page.getByRole('link', { name: 'Sign in with twofold' }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in');
        await expectAccessible(page);
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in/challenge');
      });

      await step(page, 'oidc-totp-challenge', async () => {
        await expectAccessible(page);
        await page.getByLabel('Authentication code', { exact: true }).fill(code());
        await page.getByRole('button', { name: 'Verify' }).click();
        // The "Continuing to Example app" page moves on by itself to the consent step.
        await page.waitForURL(
          (url) => onTwofold(url) && /^\/authorize\/[^/]+$/.test(url.pathname) && !url.search.includes('continue'),
        );
        await expect
          .poll(() => page.getByRole('heading', { name: 'Allow Example app to sign you in?' }).count())
          .toBe(1);
      });

      await step(page, 'oidc-consent', async () => {
        await expectAccessible(page);
        await expect.poll(() => page.getByText('See your organization and your role in it').count()).toBe(1);
        // The "Continuing to …" page after consent comes here without its meta refresh: it is checked with
        // axe, and its Continue link (there for browsers that do not refresh) carries the sign-in on.
        await page.route(
          (url) => onTwofold(url) && /^\/authorize\/[^/]+\/consent$/.test(url.pathname),
          async (route) => {
            const response = await route.fetch({ maxRedirects: 0 });
            const body = await response.text();
            await route.fulfill({ response, body: body.replace(/<meta http-equiv="refresh"[^>]*>/, '') });
          },
        );
        await page.getByRole('button', { name: 'Allow' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Continuing to Example app' }).count()).toBe(1);
        await expectAccessible(page);
        await page.getByRole('link', { name: 'Continue' }).click();
        await page.waitForURL((url) => onApp(url) && url.pathname === '/');
        await page.unrouteAll();
      });

      await step(page, 'oidc-app-signed-in', async () => {
        await expect.poll(() => page.getByText(`You are signed in as ${OWNER.email}.`).count()).toBe(1);
        expect(await claim(page, 'sub')).toBe(ownerId);
        expect(await claim(page, 'email')).toBe(OWNER.email);
        expect(await claim(page, 'org')).toBe(`${OWNER.orgName} (${orgId})`);
        expect(await claim(page, 'role')).toBe('owner');
        expect(await claim(page, 'acr')).toBe('urn:twofold:aal2');
        expect((await claim(page, 'amr'))!.split(' ')).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
        expect(await claim(page, 'auth_time')).toMatch(/^\d{4}-\d\d-\d\dT.*\(\d+\)$/);
        const claims = JSON.parse((await page.locator('#claims').textContent())!) as Record<string, unknown>;
        expect(claims).toMatchObject({
          iss: `${rig.base}/oidc`,
          sub: ownerId,
          email: OWNER.email,
          acr: 'urn:twofold:aal2',
          org_id: orgId,
          roles: ['owner'],
        });
        await expectAccessible(page);
      });

      await step(page, 'oidc-single-sign-on', async () => {
        // Signed in to twofold with two factors already: acr_values=urn:twofold:aal2 is met without a page.
        const before = JSON.parse((await page.locator('#claims').textContent())!) as {
          nonce: string;
          auth_time: number;
        };
        await page.getByRole('link', { name: 'Sign in again with two-factor required' }).click();
        await expect
          .poll(
            async () => (JSON.parse((await page.locator('#claims').textContent()) ?? '{}') as { nonce?: string }).nonce,
          )
          .not.toBe(before.nonce);
        expect(onApp(new URL(page.url()))).toBe(true);
        const after = JSON.parse((await page.locator('#claims').textContent())!) as Record<string, unknown>;
        expect(after).toMatchObject({ acr: 'urn:twofold:aal2', auth_time: before.auth_time, sub: ownerId });
      });

      await step(page, 'oidc-apps-page', async () => {
        // The same browser is signed in to twofold as the owner: the Apps page lists the app and the issuer.
        await page.goto(`${rig.base}/orgs/${orgId}/apps`);
        await expect.poll(() => page.getByRole('heading', { name: /^Apps — / }).count()).toBe(1);
        expect(await page.locator('#issuer').textContent()).toBe(`${rig.base}/oidc`);
        await expect.poll(() => page.getByText('Example app').count()).toBeGreaterThan(0);
        await expectAccessible(page);
        // And as a person: the apps they allowed.
        await page.goto(`${rig.base}/profile/apps`);
        await expect.poll(() => page.getByRole('cell', { name: 'Example app' }).count()).toBe(1);
        await expectAccessible(page);
        await page.goto(example.url);
      });

      await step(page, 'oidc-sign-out-confirm', async () => {
        await page.getByRole('link', { name: 'Sign out' }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname.startsWith('/oidc/session/end'));
        await expect.poll(() => page.getByRole('heading', { name: 'Sign out?' }).count()).toBe(1);
        await expectAccessible(page);
        // The form posts to twofold and ends in a redirect to the app (CSP form-action lists the app's origin).
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        await page.waitForURL((url) => onApp(url) && url.pathname === '/');
        await expect.poll(() => page.getByText('You are not signed in.').count()).toBe(1);
      });

      await step(page, 'oidc-twofold-signed-out', async () => {
        // Signing out at the app's request ended the twofold session of this browser too.
        await page.goto(`${rig.base}/profile`);
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in');
      });

      await step(page, 'oidc-sign-in-again-aal2', async () => {
        await page.goto(example.url);
        await page.getByRole('link', { name: 'Sign in with two-factor required' }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in');
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in/challenge');
        await page.getByLabel('Authentication code', { exact: true }).fill(code());
        await page.getByRole('button', { name: 'Verify' }).click();
        // Signing out through the app kept its consent: straight back to the app, no consent asked again.
        await page.waitForURL((url) => onApp(url) && url.pathname === '/');
        const consents = await rig.t.ctx.db.kysely
          .selectFrom('audit_events')
          .select('id')
          .where('event', '=', 'oidc.consent_given')
          .execute();
        expect(consents).toHaveLength(1);
        expect(await claim(page, 'acr')).toBe('urn:twofold:aal2');
        expect((await claim(page, 'amr'))!.split(' ')).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
      });

      expect(cspErrors).toEqual([]);
      await context.close();
    },
  );
  it(
    'a member removed after consent: the browser still signed in to twofold gets the no-access page, and the app no code',
    { timeout: 120_000 },
    async () => {
      const member = await createMember(rig.t.ctx, OPERATOR, {
        org: { id: orgId, name: OWNER.orgName, createdAt: '' },
        email: 'nurse@acme.test',
        role: 'staff',
        password: MEMBER_PASSWORD,
      });
      const { context, page } = await rig.newPage();
      await step(page, 'oidc-member-signs-in', async () => {
        await page.goto(example.url);
        await page.getByRole('link', { name: 'Sign in with twofold' }).click();
        await page.waitForURL((url) => onTwofold(url) && url.pathname === '/sign-in');
        await page.getByLabel('Email').fill('nurse@acme.test');
        await page.getByLabel('Password', { exact: true }).fill(MEMBER_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expect
          .poll(() => page.getByRole('heading', { name: 'Allow Example app to sign you in?' }).count())
          .toBe(1);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL((url) => onApp(url) && url.pathname === '/');
        await expect.poll(() => page.getByText('You are signed in as nurse@acme.test.').count()).toBe(1);
      });
      await step(page, 'oidc-removed-member-refused', async () => {
        // The membership goes; the browser keeps its twofold and provider sessions and tries again.
        await rig.t.ctx.db.kysely.deleteFrom('memberships').where('user_id', '=', member.id).execute();
        await page.goto(`${example.url}/login`);
        await page.waitForURL((url) => onTwofold(url) && /^\/authorize\//.test(url.pathname));
        await expect
          .poll(() => page.getByRole('heading', { name: "You can't sign in to Example app" }).count())
          .toBe(1);
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Return to Example app' }).click();
        await page.waitForURL((url) => onApp(url));
        await expect.poll(() => page.getByText('twofold did not sign you in', { exact: false }).count()).toBe(1);
      });
      await context.close();
    },
  );
});
