/**
 * Signing in with the keyboard alone in a Spanish browser (Chromium, Accept-Language es): the sign-in page and
 * the second step speak Spanish, pass axe-core, and are finished with Tab, typing and Enter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';

async function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.id);
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`keyboard-only sign-in in Spanish (${dialect})`, () => {
    let rig: BrowserRig;
    let secret = '';
    beforeAll(async () => {
      rig = await startRig(dialect);
      const { owner } = await setUpOwner(rig.t);
      ({ secret } = await enrolTotp(rig.t, owner, OWNER.password));
    }, 60_000);
    afterAll(async () => {
      await rig?.close();
    });

    it('password, then the authenticator code, with Tab, typing and Enter', { timeout: 60_000 }, async () => {
      const context = await rig.browser.newContext({ baseURL: rig.base, locale: 'es-MX' });
      const page = await context.newPage();
      page.setDefaultTimeout(8000);

      await step(page, 'es-sign-in', async () => {
        await page.goto('/sign-in');
        expect(await page.getAttribute('html', 'lang')).toBe('es');
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Iniciar sesión');
        await expectAccessible(page);
        for (let i = 0; i < 10 && (await focused(page)) !== 'email'; i += 1) await page.keyboard.press('Tab');
        expect(await focused(page)).toBe('email');
        await page.keyboard.type(OWNER.email);
        await page.keyboard.press('Tab');
        expect(await focused(page)).toBe('password');
        await page.keyboard.type(OWNER.password);
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/sign-in\/challenge/);
      });

      await step(page, 'es-challenge', async () => {
        expect(await page.getAttribute('html', 'lang')).toBe('es');
        expect(await page.locator('main').textContent()).toContain('Iniciando sesión como');
        await expectAccessible(page);
        // The code field has the focus; the rest of the form is reachable in order.
        expect(await focused(page)).toBe('code');
        await page.keyboard.type(codeAt(secret, rig.t.clock.now()));
        await page.keyboard.press('Tab');
        const next = await page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement | HTMLButtonElement | null;
          return el ? `${el.tagName}:${el.getAttribute('type') ?? ''}` : '';
        });
        expect(['INPUT:checkbox', 'BUTTON:submit']).toContain(next);
        await page.keyboard.press('Shift+Tab');
        expect(await focused(page)).toBe('code');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/profile/);
        expect(await page.getAttribute('html', 'lang')).toBe('es');
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tu perfil');
        await expectAccessible(page);
      });
      await context.close();
    });
  });
}
