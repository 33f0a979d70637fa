/**
 * Passkeys in a real browser: Debian's Chromium driven by playwright-core, with CDP virtual authenticators
 * (WebAuthn needs a secure context, so the server is opened as http://localhost:PORT and PUBLIC_URL equals
 * it). Add a passkey (name + password for sudo), sign in with password + passkey, passwordless, re-auth
 * with a passkey, a passkey without user verification still asking for a second factor, and removal
 * (refused while the org requires 2FA, 2FA off after the last one otherwise).
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { Client, createTestApp, OWNER, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let browser: Browser;

beforeAll(async () => {
  execFileSync('node', ['scripts/build-client.mjs'], { stdio: 'inherit' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

describe.each(DIALECTS)('passkeys in the browser (%s)', (dialect) => {
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let backupCodes: string[] = [];
  const pageErrors: string[] = [];

  /** A platform authenticator (Chromium allows one at a time), with or without user verification. */
  async function addAuthenticator(userVerification: boolean): Promise<string> {
    const { authenticatorId: id } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: userVerification,
        isUserVerified: userVerification,
        automaticPresenceSimulation: true,
      },
    });
    return id;
  }

  async function session(): Promise<{ amr?: string[]; status: number }> {
    const response = await page.request.get(`${base}/api/v1/session`);
    return { status: response.status(), ...(response.ok() ? ((await response.json()) as { amr: string[] }) : {}) };
  }

  /** Whether the hosted sign-in page is served (else the password step goes through the JSON API). */
  async function signInPageServed(): Promise<boolean> {
    return (await page.request.get(`${base}/sign-in`, { maxRedirects: 0 })).status() === 200;
  }

  async function signOut(): Promise<void> {
    if (await signInPageServed()) {
      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.waitForURL(/\/sign-in/);
    } else {
      expect((await page.request.delete(`${base}/api/v1/session`, { headers: { origin: base } })).status()).toBe(204);
    }
    expect((await session()).status).toBe(401);
  }

  async function passwordStep(): Promise<void> {
    if (!(await signInPageServed())) {
      const response = await page.request.post(`${base}/api/v1/sign-in`, {
        data: { email: OWNER.email, password: OWNER.password },
        headers: { origin: base },
      });
      const { status } = (await response.json()) as { status: string };
      await page.goto(`${base}${status === 'signed_in' ? '/profile' : '/sign-in/challenge'}`);
      return;
    }
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** "Sign in with a passkey" on the sign-in page (or, until that page is served, the same button and client on a page of ours). */
  async function passwordless(): Promise<void> {
    await page.goto(`${base}/sign-in`);
    if (!(await signInPageServed())) {
      await page.evaluate(() =>
        document
          .querySelector('main')!
          .insertAdjacentHTML(
            'beforeend',
            '<div data-passkey-error hidden></div><button type="button" data-passkey-sign-in="passwordless" data-next="/profile" hidden>Sign in with a passkey</button>',
          ),
      );
      await page.addScriptTag({ url: '/static/webauthn.js' });
    }
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    t = await createTestApp(dialect, { env: { PUBLIC_URL: base } });
    await t.app.listen({ port, host: 'localhost' });
    const setup = await new Client(t.app).request('POST', '/api/v1/setup', OWNER, { origin: base });
    expect(setup.statusCode).toBe(201);
    // The browser is not the one that set up: the new-device check has its own tests (device-check.test.ts).
    await t.ctx.db.kysely.updateTable('orgs').set({ new_device_check: 'off' }).execute();
    context = await browser.newContext();
    context.setDefaultTimeout(8_000);
    // A virtual authenticator answers a conditional (autofill) request at once, as if the person had
    // picked the passkey from the email field's suggestions: it stays off unless a test turns it on.
    await context.addInitScript(() => {
      const available = async (): Promise<boolean> => localStorage.getItem('conditional-ui') === 'on';
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: available });
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    authenticatorId = await addAuthenticator(true);
  });
  afterAll(async () => {
    await context?.close();
    await t?.close();
  });

  it('adds a passkey with a name after confirming the password, and shows the backup codes', async () => {
    await passwordStep();
    await page.waitForURL(/\/profile/);
    // Past the sudo window that the sign-in opened, adding a passkey asks for the password again.
    t.clock.advanceSeconds(11 * 60);
    await page.goto(`${base}/profile/security`);
    await page.getByRole('link', { name: 'Add a passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { name: "Confirm it's you" }).isVisible()).toBe(true);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/profile\/security\/passkey$/);
    expect(await page.getByText('Use a phone or tablet').isVisible()).toBe(true);
    await page.getByLabel('Name for this passkey').fill('Test laptop');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await page.getByRole('heading', { name: /save your backup codes/ }).waitFor();
    backupCodes = await page.locator('#backup-codes code').allTextContents();
    expect(backupCodes).toHaveLength(10);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    await page.getByRole('link', { name: 'I have saved my codes' }).click();
    await expect.poll(() => page.getByText('Passkey added.').isVisible()).toBe(true);
    expect(
      await page
        .getByRole('cell', { name: /Test laptop/ })
        .first()
        .textContent(),
    ).toContain('passkey on one device');
  });

  it('signs in with password + passkey', async () => {
    await signOut();
    await passwordStep();
    await page.waitForURL(/\/sign-in\/challenge/);
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await page.waitForURL(/\/profile$/);
    expect((await session()).amr).toEqual(['pwd', 'hwk', 'mfa']);
  });

  it('signs in without a password; sudo then asks for password + passkey', async () => {
    await signOut();
    await passwordless();
    await page.waitForURL(/\/profile$/);
    expect((await session()).amr).toEqual(['hwk', 'user', 'mfa']);
    await page.goto(`${base}/profile/security/passkey`);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Use your passkey instead of a code' }).click();
    await page.waitForURL(/\/profile\/security\/passkey$/);
    expect(await page.getByLabel('Name for this passkey').isVisible()).toBe(true);
  });

  it("offers the passkey in the email field's autofill (conditional UI)", async () => {
    await signOut();
    await page.evaluate(() => localStorage.setItem('conditional-ui', 'on'));
    // Opening the sign-in page is all it takes here: the autofill request is answered straight away.
    await page.goto(`${base}/sign-in`);
    await page.waitForURL(/\/profile$/);
    expect((await session()).amr).toEqual(['hwk', 'user', 'mfa']);
    await page.evaluate(() => localStorage.removeItem('conditional-ui'));
    await page.goto(`${base}/profile/security/passkey`);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Use your passkey instead of a code' }).click();
    await page.waitForURL(/\/profile\/security\/passkey$/);
  });

  it('a passkey without user verification signs in only with a second factor', async () => {
    // The first authenticator steps aside (its passkey kept) for one that cannot verify the user (no PIN,
    // no biometrics), which adds "Plain key".
    const {
      credentials: [laptop],
    } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    authenticatorId = await addAuthenticator(false);
    await page.getByLabel('Name for this passkey').fill('Plain key');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await expect.poll(() => page.getByText('Passkey added.').isVisible()).toBe(true);
    // Chromium never uses such an authenticator for a request without a user (passwordless): the page says so.
    await signOut();
    await passwordless();
    await expect
      .poll(() => page.locator('[data-passkey-error]').first().textContent())
      .toContain('cancelled or timed out');
    expect((await session()).status).toBe(401);
    // Back to the first authenticator. A browser that skips user verification (here asked to, with
    // "discouraged") sends its assertion without the UV flag: the passkey then replaces the password only.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    authenticatorId = await addAuthenticator(true);
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: laptop! });
    await page.route('**/api/v1/sign-in/passkey/options*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        json: { ...((await response.json()) as object), userVerification: 'discouraged' },
      });
    });
    await passwordless();
    await page.waitForURL(/\/sign-in\/challenge/);
    await page.unroute('**/api/v1/sign-in/passkey/options*');
    expect((await session()).status).toBe(401);
    // The passkey stood in for the password; it is not offered again for the second step.
    expect(await page.getByRole('button', { name: 'Use your passkey' }).count()).toBe(0);
    await page.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/profile$/);
    expect((await session()).amr).toEqual(['hwk', 'otp', 'mfa']);
  });

  it('removes passkeys: the last one is refused while the org requires 2FA, else 2FA turns off', async () => {
    await page.goto(`${base}/profile/security`);
    // Remove asks first: what will happen, then Remove or Cancel.
    await page
      .getByRole('row', { name: /Plain key/ })
      .getByRole('link', { name: /^Remove/ })
      .click();
    await expect.poll(() => page.getByRole('heading', { name: /^Remove Plain key/ }).count()).toBe(1);
    expect(await page.getByText('Your other methods keep working.').count()).toBe(1);
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => page.getByText('The method was removed.').isVisible()).toBe(true);
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'staff' }).execute();
    await page
      .getByRole('row', { name: /Test laptop/ })
      .getByRole('link', { name: /^Remove/ })
      .click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('requires two-factor authentication for you, so your last method cannot be removed');
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'off' }).execute();
    await page.goto(`${base}/profile/security`);
    await page
      .getByRole('row', { name: /Test laptop/ })
      .getByRole('link', { name: /^Remove/ })
      .click();
    await expect.poll(() => page.getByText('two-factor authentication turns off', { exact: false }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove and turn off 2FA' }).click();
    await expect.poll(() => page.getByText('Two-factor authentication is now off.').isVisible()).toBe(true);
    expect(await t.ctx.db.kysely.selectFrom('passkey_credentials').selectAll().execute()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
