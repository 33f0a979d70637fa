/**
 * The authenticator-app setup in Spanish at phone width (375 px), in Chromium: someone whose saved language
 * is es turns it on from the Security page and saves the backup codes. Axe on every page; nothing wider
 * than the screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt } from '../helpers/two-factor.ts';

async function expectSpanishFits(page: Page): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe('es');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(0);
  await expectAccessible(page);
}

describe('the authenticator app in Spanish at 375 px', () => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    await setUpOwner(rig.t);
  });
  afterAll(async () => {
    await rig.close();
  });

  it('turns on an authenticator app and saves the backup codes', { timeout: 120_000 }, async () => {
    const context = await rig.browser.newContext({ baseURL: rig.base, viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const clock = rig.t.clock;
    await signInOnPage(page, OWNER.email, OWNER.password);
    const saved = await page.request.patch('/api/v1/me', { data: { locale: 'es' }, headers: { origin: rig.base } });
    expect(saved.status()).toBe(200);

    const secret = await step(page, 'es-totp-setup', async () => {
      await page.goto('/profile/security');
      await expect.poll(() => page.getByRole('heading', { name: 'Seguridad', level: 1 }).count()).toBe(1);
      await expectSpanishFits(page);
      await page.getByRole('link', { name: 'Configurar la app de autenticación' }).click();
      await page.waitForURL(/\/profile\/security\/totp/);
      await expect
        .poll(() => page.getByRole('heading', { name: 'Configura una app de autenticación' }).count())
        .toBe(1);
      await expectSpanishFits(page);
      expect(await page.getByRole('img', { name: 'Código QR para tu app de autenticación' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Copiar clave' }).isVisible()).toBe(true);
      return (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    });

    await step(page, 'es-totp-confirm', async () => {
      await page.getByLabel('Código de la app').fill(codeAt(secret, clock.now()));
      await page.getByLabel(/Nombre para esta app/).fill('Teléfono');
      await page.getByRole('button', { name: 'Activar', exact: true }).click();
      await expect.poll(() => page.locator('#backup-codes li').count()).toBe(10);
      await expect.poll(() => page.getByRole('heading', { name: /guarda tus códigos de respaldo/ }).count()).toBe(1);
      await expectSpanishFits(page);
      expect(await page.getByRole('link', { name: 'Descargar .txt' }).getAttribute('download')).toContain(
        'codigos-de-respaldo.txt',
      );
      await page.getByRole('link', { name: 'Ya guardé mis códigos' }).click();
      await expect.poll(() => page.getByText('Se agregó la app de autenticación.').count()).toBe(1);
      await expectSpanishFits(page);
    });
    await context.close();
  });
});
