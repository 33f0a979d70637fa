/**
 * The authenticator-app story in Chromium: turn it on from the QR page (decoded by zbarimg), save backup
 * codes, sign in with a code and with a backup code, trust the browser, revoke it, turn 2FA off.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, signOutOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt } from '../helpers/two-factor.ts';

describe('two-factor authentication in the browser', () => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    await setUpOwner(rig.t);
  });
  afterAll(async () => {
    await rig.close();
  });

  it(
    'turns on an authenticator app, signs in with a code, a backup code and a trusted browser, and turns it off',
    { timeout: 120_000 },
    async () => {
      const { page } = await rig.newPage();
      const clock = rig.t.clock;
      await signInOnPage(page, OWNER.email, OWNER.password);

      const secret = await step(page, 'totp-setup', async () => {
        await page.goto('/profile/security');
        await expectAccessible(page);
        await page.getByRole('link', { name: 'Set up authenticator app' }).click();
        await page.waitForURL(/\/profile\/security\/totp/);
        await expectAccessible(page);
        const uri = (await page.locator('code.uri').textContent({ timeout: 5000 }))!.trim();
        const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qr-')), 'qr.png');
        await page.locator('.qr').screenshot({ path: png });
        const decoded = execFileSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).trim();
        expect(decoded).toBe(uri);
        const shown = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
        expect(uri).toContain(`secret=${shown}`);
        return shown;
      });

      const backupCodes = await step(page, 'totp-confirm', async () => {
        await page.getByLabel('Code from the app').fill(codeAt(secret, clock.now()));
        await page.getByLabel(/Name for this app/).fill('Work phone');
        await page.getByRole('button', { name: 'Turn on' }).click();
        await expect.poll(() => page.locator('#backup-codes li').count()).toBe(10);
        await expectAccessible(page);
        expect(await page.getByRole('link', { name: 'Download .txt' }).getAttribute('download')).toContain(
          'backup-codes.txt',
        );
        const codes = await page.locator('#backup-codes code').allTextContents();
        await page.getByRole('link', { name: 'I have saved my codes' }).click();
        await expect.poll(() => page.getByText('Work phone').count()).toBeGreaterThan(0);
        return codes;
      });

      await step(page, 'sign-in-with-code', async () => {
        await signOutOnPage(page);
        clock.advanceSeconds(30);
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await expectAccessible(page);
        await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, clock.now()));
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(/\/profile$/);
      });

      await step(page, 'sign-in-with-backup-code', async () => {
        await signOutOnPage(page);
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.getByRole('link', { name: 'Use a backup code' }).click();
        await page.getByLabel('Backup code', { exact: true }).fill(backupCodes[0]!.toUpperCase());
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(/\/profile$/);
        await page.goto('/profile/security');
        await expect.poll(() => page.getByText('9 of 10 backup codes left').count()).toBe(1);
      });

      await step(page, 'trust-this-browser', async () => {
        await signOutOnPage(page);
        clock.advanceSeconds(30);
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, clock.now()));
        await page.getByLabel(/Trust this device for 30 days/).check();
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(/\/profile$/);
        await signOutOnPage(page);
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/profile$/); // no second step on a trusted browser
      });

      await step(page, 'revoke-trusted-browser', async () => {
        await page.goto('/profile/security');
        // The browser asking is marked in the list; its dates stay on one line.
        const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Revoke' }) });
        expect(await row.getByText('This browser', { exact: true }).count()).toBe(1);
        expect(
          await row
            .locator('td.nowrap')
            .first()
            .evaluate((td) => getComputedStyle(td).whiteSpace),
        ).toBe('nowrap');
        await page.getByRole('button', { name: 'Revoke' }).click();
        await expect.poll(() => page.getByText('That browser will be asked for a code again.').count()).toBe(1);
        await signOutOnPage(page);
        clock.advanceSeconds(30);
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, clock.now()));
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(/\/profile$/);
      });

      await step(page, 'turn-off', async () => {
        clock.advanceSeconds(30);
        await page.goto('/profile/security');
        await page.getByRole('link', { name: 'Turn off two-factor authentication…' }).click();
        await page.waitForURL(/\/profile\/security\/disable$/);
        await expectAccessible(page);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByLabel('Code', { exact: true }).fill(codeAt(secret, clock.now()));
        await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
        await expect.poll(() => page.getByText('Two-factor authentication is now off.').count()).toBe(1);
        await expectAccessible(page);
      });
    },
  );
});
