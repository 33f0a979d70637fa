/**
 * The phone factor in a real browser (Debian's Chromium through playwright-core): add a phone on
 * Profile → Security (code read from the outbox), sign out, sign in with the text message the challenge
 * page sends when it opens (and not again on reload), then switch to a call ("Call me instead") and sign
 * in with that code.
 */
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestApp, OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { lastPhoneCode, PHONE_NUMBER, phoneMessages } from '../helpers/phone.ts';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** No serious or critical axe-core violation (run from the automation side: the page's CSP stays on). */
async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const serious = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (d: Document) => Promise<{ violations: Array<{ id: string; impact: string }> }> };
      }
    ).axe;
    return (await axe.run(document)).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id);
  });
  expect(serious, page.url()).toEqual([]);
}

describe('a phone number in the browser (sqlite)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    t = await createTestApp('sqlite', { env: { PUBLIC_URL: base }, logLevel: 'warn' });
    await setUpOwner(t);
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS });
    const context = await browser.newContext({ baseURL: base });
    page = await context.newPage();
    page.setDefaultTimeout(8000);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(): Promise<void> {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/sign-in'),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
  }

  async function signOut(): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Sign out/ })
      .click();
    await page.waitForURL(/\/sign-in/);
  }

  async function enterCode(code: string): Promise<void> {
    await page.getByLabel('Code', { exact: true }).fill(code);
    await Promise.all([
      page.waitForURL(/\/profile/),
      page.getByRole('button', { name: 'Verify', exact: true }).click(),
    ]);
  }

  it('adds a phone: sudo, country picker, the safer-method notice, the code from the text message', async () => {
    await signIn();
    await page.goto('/profile/security');
    // A sign-in a moment ago counts as a fresh re-authentication; later, the password is asked first.
    t.clock.advanceSeconds(11 * 60);
    await page.getByRole('link', { name: 'Add a phone number' }).click();
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await Promise.all([
      page.waitForURL(/\/profile\/security\/phone$/),
      page.getByRole('button', { name: 'Confirm' }).click(),
    ]);
    await page.getByText('An authenticator app or a passkey is safer than text messages and calls.').waitFor();
    await expectAccessible(page);
    await page.getByLabel('Country').selectOption('US');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('(201) 555-0123');
    expect(await page.getByLabel('Text message (SMS)').isChecked()).toBe(true);
    await Promise.all([
      page.waitForURL(/\/profile\/security\/phone\/verify/),
      page.getByRole('button', { name: 'Send code' }).click(),
    ]);
    await page.getByText('We texted a 6-digit code to').waitFor();
    expect(await page.getByRole('button', { name: "Didn't get it? Resend" }).isDisabled()).toBe(true);
    await expectAccessible(page);
    const { code, channel } = await lastPhoneCode(t);
    expect(channel).toBe('sms');
    await page.getByLabel(/^Code sent to/).fill(code);
    await page.getByRole('button', { name: 'Verify number' }).click();
    await page.getByRole('heading', { name: /save your backup codes/ }).waitFor();
    await page.getByRole('link', { name: 'I have saved my codes' }).click();
    await page.getByText('Phone number added.').waitFor();
    await page
      .getByRole('cell', { name: /\+1 •+23/ })
      .first()
      .waitFor();
  });

  it('signs in with the text message the challenge page sends when it opens, once', async () => {
    await signOut();
    await signIn();
    expect(new URL(page.url()).pathname).toBe('/sign-in/challenge');
    await page.getByText('We texted a 6-digit code to +1 ••••••••23').waitFor();
    await expectAccessible(page);
    const sent = (await phoneMessages(t)).length;
    await page.reload();
    expect((await phoneMessages(t)).length).toBe(sent);
    const { code, channel } = await lastPhoneCode(t);
    expect(channel).toBe('sms');
    await enterCode(code);
    expect((await (await page.request.get('/api/v1/session')).json()).amr).toEqual(['pwd', 'sms', 'mfa']);
  });

  it('switches to a call with "Call me instead" and signs in with the code read out', async () => {
    await signOut();
    await signIn();
    await page.getByText('We texted a 6-digit code').waitFor();
    expect(await page.getByRole('button', { name: 'Call me instead' }).isDisabled()).toBe(true);
    t.clock.advanceSeconds(61);
    await page.reload();
    expect(await page.getByRole('button', { name: 'Call me instead' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Call me instead' }).click();
    await page.getByText('We are calling +1 ••••••••23').waitFor();
    const { code, channel } = await lastPhoneCode(t, PHONE_NUMBER);
    expect(channel).toBe('voice');
    await enterCode(code);
    expect((await (await page.request.get('/api/v1/session')).json()).amr).toEqual(['pwd', 'tel', 'mfa']);
  });
});
