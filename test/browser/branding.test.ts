/**
 * Organization → Branding in Chromium at 320 and 375 px, with axe on each page: the owner sets a name and an
 * accent colour (a too-light one is refused on the page), uploads a PNG logo through the file input without
 * any script, and the sign-in page for `?org=` then shows the logo, the name and the colour on its primary
 * button; an unknown org shows the product's own look.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('branding in the browser', () => {
  let rig: BrowserRig;
  let orgId: string;
  let logoFile: string;
  beforeAll(async () => {
    rig = await startRig('sqlite', { clockStart: Date.now() });
    ({ orgId } = await setUpOwner(rig.t));
    logoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-logo-')), 'logo.png');
    fs.writeFileSync(logoFile, PNG);
  });
  afterAll(async () => {
    await rig.close();
  });

  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it(
    'sets name, colour and logo on the settings page and shows them on the sign-in page',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await rig.newPage();
      await page.setViewportSize({ width: 320, height: 720 });
      await step(page, 'branding-settings', async () => {
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.goto(`/orgs/${orgId}/branding`);
        await expect.poll(() => page.getByRole('heading', { name: /^Branding — / }).count()).toBe(1);
        await expectAccessible(page);
        expect(await noSideScroll(page)).toBe(true);

        await page.getByLabel('Display name').fill('Acme Care');
        await page.getByLabel('Accent colour').fill('#ffcc00');
        await Promise.all([
          page.waitForLoadState('domcontentloaded'),
          page.getByRole('button', { name: 'Save' }).click(),
        ]);
        await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/contrast of [\d.]+:1/);
        await expectAccessible(page);

        // Keyboard only: type the colour and submit with Enter.
        await page.getByLabel('Accent colour').fill('#0b5394');
        await page.getByLabel('Accent colour').press('Enter');
        await expect.poll(() => page.getByRole('status').textContent()).toContain('Branding saved.');

        await page.getByLabel('Upload a logo').setInputFiles(logoFile);
        await page.getByRole('button', { name: 'Upload logo' }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toContain('Logo uploaded.');
        await expect.poll(() => page.getByRole('img', { name: /Current logo/ }).count()).toBe(1);
        // The settings page itself wears the org's look now: the accent colour is the buttons' background.
        const button = await page
          .getByRole('button', { name: 'Save' })
          .evaluate((b) => getComputedStyle(b).backgroundColor);
        expect(button).toBe('rgb(11, 83, 148)');
        await expectAccessible(page);
        expect(await noSideScroll(page)).toBe(true);
      });
      await context.close();

      for (const width of [320, 375]) {
        const visitor = await rig.newPage();
        await visitor.page.setViewportSize({ width, height: 720 });
        await step(visitor.page, `branding-sign-in-${width}`, async () => {
          const p = visitor.page;
          await p.goto(`/sign-in?org=${orgId}`);
          await expect.poll(() => p.locator('header .brand').textContent()).toContain('Acme Care');
          const logo = p.locator('header img.brand-logo');
          await expect.poll(() => logo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
          const color = await p
            .getByRole('button', { name: 'Sign in', exact: true })
            .evaluate((b) => getComputedStyle(b).backgroundColor);
          expect(color).toBe('rgb(11, 83, 148)');
          await expectAccessible(p);
          expect(await noSideScroll(p)).toBe(true);

          await p.goto('/sign-in?org=unknown-org');
          await expect.poll(() => p.locator('header .brand').textContent()).toBe(rig.t.ctx.config.productName);
          expect(await p.locator('header img').count()).toBe(0);
          await expectAccessible(p);
        });
        await visitor.context.close();
      }
    },
  );
});
