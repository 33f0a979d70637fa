/**
 * In Chromium set to Spanish (Accept-Language es-MX): every main page speaks Spanish with lang="es", passes
 * axe, and fits 320 and 375 px; sign-in and the authenticator code are entered with the keyboard only; the
 * language links at the foot of public pages switch to English for this browser and back; the saved
 * preference on the profile beats the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Client, OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';

describe('the pages in Spanish', () => {
  let rig: BrowserRig;
  let orgId = '';
  let secret = '';
  const code = (): string => {
    rig.t.clock.advanceSeconds(30);
    return codeAt(secret, rig.t.clock.now());
  };

  beforeAll(async () => {
    rig = await startRig('sqlite');
    const owner = await setUpOwner(rig.t);
    orgId = owner.orgId;
    secret = (await enrolTotp(rig.t, owner.owner, OWNER.password)).secret;
  });
  afterAll(async () => {
    await rig.close();
  });

  async function spanishPage(width: number) {
    const context = await rig.browser.newContext({
      baseURL: rig.base,
      locale: 'es-MX',
      viewport: { width, height: 800 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    return { context, page };
  }

  async function check(page: Page, width: number, what: string) {
    await page.waitForLoadState('load');
    expect(await page.getAttribute('html', 'lang'), what).toBe('es');
    const sizes = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(sizes.scroll, `${what} at ${width} px`).toBeLessThanOrEqual(sizes.inner);
    await expectAccessible(page);
  }

  /** Tabs until the element with this id has the focus (keyboard only). */
  async function tabTo(page: Page, id: string) {
    for (let i = 0; i < 15 && (await page.evaluate(() => document.activeElement?.id)) !== id; i += 1)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
  }

  for (const width of [320, 375]) {
    it(
      `signs in with the keyboard only and shows every main page in Spanish at ${width} px`,
      { timeout: 120_000 },
      async () => {
        const { context, page } = await spanishPage(width);
        await step(page, `es-${width}-sign-in`, async () => {
          await page.goto('/sign-in');
          await check(page, width, 'sign-in');
          expect(await page.locator('h1').textContent()).not.toMatch(/sign in/i);
          await tabTo(page, 'email');
          await page.keyboard.type(OWNER.email);
          await page.keyboard.press('Tab');
          expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
          await page.keyboard.type(OWNER.password);
          await page.keyboard.press('Enter');
          await page.waitForURL(/\/sign-in\/challenge/);
          await check(page, width, 'challenge');
          await tabTo(page, 'code');
          await page.keyboard.type(code());
          await page.keyboard.press('Enter');
          await page.waitForURL(/\/profile$/);
        });
        await step(page, `es-${width}-pages`, async () => {
          for (const path of [
            '/profile',
            '/profile/security',
            '/profile/security/totp',
            '/profile/security/passkey',
            '/profile/security/phone',
            `/orgs/${orgId}/webhooks`,
            `/orgs/${orgId}/branding`,
            `/orgs/${orgId}/members`,
            `/orgs/${orgId}/security`,
            `/orgs/${orgId}/compliance`,
            `/orgs/${orgId}/settings`,
            `/orgs/${orgId}/apps`,
            `/orgs/${orgId}/audit`,
          ]) {
            const response = await page.goto(path);
            expect(response?.status(), path).toBe(200);
            await check(page, width, path);
            expect(await page.locator('nav#main-nav').textContent(), path).toContain('Seguridad');
          }
        });
        await context.close();
      },
    );
  }

  it(
    'the language links switch this browser to English and back; a saved preference beats them',
    { timeout: 60_000 },
    async () => {
      const { context, page } = await spanishPage(375);
      await step(page, 'es-language-links', async () => {
        await page.goto('/sign-in');
        expect(await page.getAttribute('html', 'lang')).toBe('es');
        await page.getByRole('link', { name: 'English' }).click();
        await page.waitForURL(/\/sign-in/);
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(1);
        await expectAccessible(page);
        await page.getByRole('link', { name: 'Español' }).click();
        await page.waitForURL(/\/sign-in/);
        expect(await page.getAttribute('html', 'lang')).toBe('es');
      });
      await context.close();
      // An account that saved English sees English in a Spanish browser once signed in.
      const api = new Client(rig.t.app);
      await api.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
      const verified = await api.post('/api/v1/sign-in/verify', { method: 'totp', code: code() });
      expect(verified.statusCode, verified.body).toBe(200);
      expect((await api.patch('/api/v1/me', { locale: 'en' })).json().user.locale).toBe('en');
      const english = await api.request('GET', '/profile', undefined, { 'accept-language': 'es-MX' });
      expect(english.body).toContain('<html lang="en">');
      expect((await api.patch('/api/v1/me', { locale: null })).json().user.locale).toBeNull();
      const spanish = await api.request('GET', '/profile', undefined, { 'accept-language': 'es-MX' });
      expect(spanish.body).toContain('<html lang="es">');
    },
  );
});
