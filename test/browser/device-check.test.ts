/**
 * The new-device check and email codes in Chromium: a password sign-in from a new browser lands on the
 * check page (accessible, also at 320 px), the emailed code opens the profile; a member with email codes
 * signs in with one from the challenge page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { lastEmailCode } from '../helpers/email-codes.ts';

describe('new-device check in the browser', () => {
  let rig: BrowserRig;
  let owner: Client;
  let orgId: string;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    ({ owner, orgId } = await setUpOwner(rig.t, { newDeviceCheck: 'staff' }));
  });
  afterAll(async () => {
    await rig.close();
  });

  it(
    'asks a new browser for the emailed code, then an enrolled member for an email code',
    { timeout: 120_000 },
    async () => {
      const { page } = await rig.newPage();
      await step(page, 'device-check', async () => {
        await page.goto('/sign-in');
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await Promise.all([
          page.waitForURL(/\/sign-in\/challenge/),
          page.getByRole('button', { name: 'Sign in', exact: true }).click(),
        ]);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('a new device');
        await expectAccessible(page);
        await page.setViewportSize({ width: 320, height: 640 });
        await expectAccessible(page);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(320);
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.getByLabel('Code').fill(await lastEmailCode(rig.t));
        await Promise.all([page.waitForURL(/\/profile$/), page.getByRole('button', { name: 'Verify' }).click()]);
      });

      await step(page, 'email-codes', async () => {
        expect((await owner.post('/api/v1/me/reauthenticate', { password: OWNER.password })).statusCode).toBe(200);
        expect((await owner.patch(`/api/v1/orgs/${orgId}/policy`, { emailCodes: 'everyone' })).statusCode).toBe(200);
        await page.goto('/profile/security');
        await page.getByRole('link', { name: 'Turn on email codes' }).click();
        // Sudo first ("Confirm it's you"), then back to the setup page.
        if (page.url().includes('/confirm')) {
          await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
          await Promise.all([
            page.waitForURL(/\/profile\/security\/email/),
            page.getByRole('button', { name: /Confirm/ }).click(),
          ]);
        }
        await expectAccessible(page);
        await Promise.all([
          page.waitForURL(/\/profile\/security\/email\/verify/),
          page.getByRole('button', { name: 'Send a code' }).click(),
        ]);
        await expectAccessible(page);
        await page.getByLabel('Code from the email').fill(await lastEmailCode(rig.t));
        await page.getByRole('button', { name: 'Turn on email codes' }).click();
        await expect.poll(() => page.locator('#backup-codes li').count()).toBe(10);
      });
    },
  );
});
