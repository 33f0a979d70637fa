/**
 * In Chromium (axe-core on every page): verifying an email address from the profile and the emailed link's
 * page, and return addresses a browser would read differently from a string test — `/%09/evil.example`
 * after sign-in and re-authentication must leave the browser on twofold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { tokenFromLink } from '../helpers/app.ts';

const OWNER = {
  orgName: 'Harbour Family Clinic',
  name: 'Olivia Owner',
  email: 'olivia@harbour.test',
  password: 'violet-harbor-lantern-42',
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`email verification and return addresses in a browser (${dialect})`, () => {
    let rig: BrowserRig;
    let page: Page;

    beforeAll(async () => {
      rig = await startRig(dialect);
      ({ page } = await rig.newPage());
    }, 60_000);
    afterAll(async () => {
      await rig?.close();
    });

    async function visit(url: string): Promise<void> {
      const response = await page.goto(url);
      expect(response?.status(), url).toBeLessThan(400);
      await expectAccessible(page);
    }

    async function newestVerificationLink(): Promise<string> {
      const row = await rig.t.ctx.db.kysely
        .selectFrom('mail_outbox')
        .select('body_text')
        .where('recipient', '=', OWNER.email)
        .where('subject', 'like', 'Confirm your email address%')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      return `/verify-email?token=${tokenFromLink(row.body_text, `${rig.base}/verify-email`)}`;
    }

    it('setup, then the profile asks to verify the address; the emailed page verifies it only when its button is pressed', async () => {
      await step(page, `${dialect}-verify-setup`, async () => {
        await visit('/setup');
        await page.getByLabel('Organization name').fill(OWNER.orgName);
        await page.getByLabel('Your name').fill(OWNER.name);
        await page.getByLabel('Your email').fill(OWNER.email);
        await page.getByLabel('Choose a password').fill(OWNER.password);
        await Promise.all([
          page.waitForURL(/\/members/),
          page.getByRole('button', { name: 'Create organization' }).click(),
        ]);
        await expectAccessible(page);
        await expect.poll(() => page.getByText('Email not verified').count()).toBe(1);
      });
      await step(page, `${dialect}-verify-profile`, async () => {
        await visit('/profile');
        await expect.poll(() => page.getByText('Not verified', { exact: true }).count()).toBe(1);
        await Promise.all([
          page.waitForURL(/done=verification_sent/),
          page.getByRole('button', { name: 'Send a verification link' }).click(),
        ]);
        await expectAccessible(page);
        await expect.poll(() => page.getByText('We sent a link to your email address').count()).toBe(1);
      });
      await step(page, `${dialect}-verify-link`, async () => {
        const { page: other, context } = await rig.newPage();
        const link = await newestVerificationLink();
        await other.goto(link);
        await expectAccessible(other);
        const verifiedAt = async () =>
          (
            await rig.t.ctx.db.kysely
              .selectFrom('users')
              .select('email_verified_at')
              .where('email', '=', OWNER.email)
              .executeTakeFirstOrThrow()
          ).email_verified_at;
        expect(await verifiedAt()).toBeNull();
        await other.getByRole('button', { name: 'Verify my email address' }).click();
        await other.getByRole('heading', { name: 'Email address verified' }).waitFor();
        await expectAccessible(other);
        expect(await verifiedAt()).not.toBeNull();
        await context.close();
        await visit('/profile');
        await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBe(1);
      });
    });

    it('sign-in and re-authentication with next=/%09/evil.example stay on twofold; a path here is followed', async () => {
      await step(page, `${dialect}-redirect-reauth`, async () => {
        await visit('/profile/security/confirm?next=/%09/evil.example');
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await Promise.all([
          page.waitForURL((url) => url.pathname !== '/profile/security/confirm'),
          page.getByRole('button', { name: 'Confirm' }).click(),
        ]);
        expect(new URL(page.url()).origin).toBe(rig.base);
        expect(new URL(page.url()).pathname).toBe('/profile/security');
      });
      // Clearing cookies makes a new browser each time: the new-device check has its own (device-check.test.ts).
      await rig.t.ctx.db.kysely.updateTable('orgs').set({ new_device_check: 'off' }).execute();
      for (const [next, landing] of [
        ['/%09/evil.example', '/profile'],
        ['%2F%5Cevil.example', '/profile'],
        ['%2Fprofile%2Factivity%3Fx%3D1', '/profile/activity'],
      ] as const) {
        await step(page, `${dialect}-redirect-sign-in`, async () => {
          await page.context().clearCookies();
          await visit(`/sign-in?next=${next}`);
          await page.getByLabel('Email').fill(OWNER.email);
          await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
          await Promise.all([
            page.waitForURL((url) => url.pathname !== '/sign-in'),
            page.getByRole('button', { name: 'Sign in', exact: true }).click(),
          ]);
          expect(new URL(page.url()).origin, next).toBe(rig.base);
          expect(new URL(page.url()).pathname, next).toBe(landing);
        });
      }
    });
  });
}
