/**
 * The foundation pages in a real browser (Chromium, no JavaScript needed by the pages): first-run setup,
 * inviting and accepting, signing in, revoking a session from another browser, signing out, the org's
 * audit log, and a keyboard-only sign-in. Every page visited is checked with axe-core (no serious or
 * critical violations) and under the real Content-Security-Policy (no inline style or script refused).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { expectAccessible, startRig, type BrowserRig } from '../helpers/browser.ts';

const RESULTS_DIR = path.resolve('test-results');

const OWNER = {
  orgName: 'Harbour Family Clinic',
  name: 'Olivia Owner',
  email: 'olivia@harbour.test',
  password: 'violet-harbor-lantern-42',
};
const STAFF = { name: 'Sam Staff', email: 'sam@harbour.test', password: 'copper-meadow-violin-58' };

/** SCREENSHOTS=1 saves a picture of the key pages to test-results/ or SCREENSHOTS_DIR (for reviewing the look). */
async function snap(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = process.env.SCREENSHOTS_DIR ?? RESULTS_DIR;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `page-${name}.png`), fullPage: true });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`foundation pages in a browser (${dialect})`, () => {
    let rig: BrowserRig;
    let base = '';
    const contexts: BrowserContext[] = [];
    const cspErrors: string[] = [];

    beforeAll(async () => {
      // Listens on localhost with PUBLIC_URL = the browsed origin (the Origin check needs them equal).
      rig = await startRig(dialect);
      base = rig.base;
    }, 60_000);

    afterAll(async () => {
      await rig?.close();
    });

    async function newPage(): Promise<Page> {
      const { context, page } = await rig.newPage();
      contexts.push(context);
      // The pages run under their real CSP (axe is evaluated from the automation side, not as page
      // script): any inline style or script the CSP refuses shows up here.
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
          cspErrors.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    }

    /** Runs one step; on failure saves a screenshot of every open page to test-results/ and rethrows. */
    async function step(name: string, work: () => Promise<void>): Promise<void> {
      try {
        await work();
      } catch (error) {
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        let index = 0;
        for (const context of contexts) {
          for (const page of context.pages()) {
            index += 1;
            await page
              .screenshot({
                path: path.join(RESULTS_DIR, `foundation-${dialect}-${name.replace(/\W+/g, '-')}-${index}.png`),
                fullPage: true,
              })
              .catch(() => undefined);
          }
        }
        throw error;
      }
    }

    async function visit(page: Page, url: string): Promise<void> {
      const response = await page.goto(url);
      expect(response?.status(), url).toBeLessThan(400);
      await expectAccessible(page);
    }

    async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
      await visit(page, '/sign-in');
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password', { exact: true }).fill(who.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL('**/profile');
    }

    it('setup → invite → accept → sign in → revoke from another browser → sign out → audit log; keyboard sign-in', async () => {
      const owner = await newPage();
      let orgId = '';

      await step('setup', async () => {
        await owner.goto('/');
        expect(new URL(owner.url()).pathname).toBe('/setup');
        await expectAccessible(owner);
        await snap(owner, 'setup');
        await owner.getByLabel('Organization name').fill(OWNER.orgName);
        await owner.getByLabel('Your name').fill(OWNER.name);
        await owner.getByLabel('Your email').fill(OWNER.email);
        await owner.getByLabel('Choose a password').fill(OWNER.password);
        await owner.getByRole('button', { name: 'Create organization' }).click();
        await owner.waitForURL(/\/orgs\/[^/]+\/members\?done=welcome$/);
        orgId = new URL(owner.url()).pathname.split('/')[2]!;
        // Each page of this walk is a new browser: the new-device check has its own (device-check.test.ts).
        await rig.t.ctx.db.kysely.updateTable('orgs').set({ new_device_check: 'off' }).execute();
        await expect(owner.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('People');
        await expectAccessible(owner);
      });

      let invitationLink = '';
      await step('invite', async () => {
        await owner.getByLabel('Email address').fill(STAFF.email);
        await owner.getByLabel('Role', { exact: true }).selectOption('staff');
        await owner.getByRole('button', { name: 'Send invitation' }).click();
        await owner.waitForURL('**/members?done=invited');
        await expect(owner.getByRole('status').first().textContent()).resolves.toContain('Invitation sent.');
        expect(await owner.locator('section', { hasText: 'Pending invitations' }).textContent()).toContain(STAFF.email);
        await expectAccessible(owner);
        await snap(owner, 'members');
        await visit(owner, '/dev/outbox');
        invitationLink =
          (await owner.locator('pre.mail a[href*="/invitations/accept?token="]').first().getAttribute('href')) ?? '';
        expect(invitationLink.startsWith(`${base}/invitations/accept?token=`)).toBe(true);
      });

      const staff = await newPage();
      await step('accept', async () => {
        await visit(staff, invitationLink);
        expect(await staff.locator('main').textContent()).toContain(`You were invited to ${OWNER.orgName} as Staff.`);
        await staff.getByLabel('Your name').fill(STAFF.name);
        await staff.getByLabel('Choose a password').fill(STAFF.password);
        await staff.getByRole('button', { name: 'Accept invitation' }).click();
        // Signed in at once with the password just chosen.
        await staff.waitForURL('**/profile?done=invitation_accepted');
        await expectAccessible(staff);
        expect(await staff.locator('table.sessions').textContent()).toContain('This device');
        // Staff are not managers: the org pages answer 403.
        expect((await staff.goto(`/orgs/${orgId}/members`))?.status()).toBe(403);
        await expectAccessible(staff);
      });

      const third = await newPage();
      await step('revoke another session', async () => {
        await signIn(third, STAFF);
        await visit(staff, '/profile');
        const rows = staff.locator('table.sessions tbody tr');
        await expect(rows.count()).resolves.toBe(2);
        await staff
          .locator('table.sessions tbody tr:not(.current)')
          .getByRole('button', { name: /Revoke/ })
          .click();
        await staff.waitForURL('**/profile?done=session_revoked');
        await expect(rows.count()).resolves.toBe(1);
        await expectAccessible(staff);
        await snap(staff, 'profile');
        await third.goto('/profile');
        expect(new URL(third.url()).pathname).toBe('/sign-in');
        await expectAccessible(third);
      });

      await step('sign out', async () => {
        await staff
          .getByRole('button', { name: /Sign out/ })
          .first()
          .click();
        await staff.waitForURL('**/sign-in?done=signed_out');
        expect(await staff.getByRole('status').first().textContent()).toContain('You are signed out.');
        await staff.goto('/profile');
        expect(new URL(staff.url()).pathname).toBe('/sign-in');
      });

      await step('audit log', async () => {
        await visit(owner, `/orgs/${orgId}/audit`);
        const log = (await owner.locator('table.audit').textContent()) ?? '';
        for (const event of [
          'invitation.sent',
          'invitation.accepted',
          'sign_in.succeeded',
          'session.revoked',
          'sign_out',
        ])
          expect(log, event).toContain(event);
        expect(log).toContain(STAFF.email);
        await owner.getByLabel('Event', { exact: true }).selectOption('session.revoked');
        await owner.getByRole('button', { name: 'Filter' }).click();
        await owner.waitForURL(/event=session\.revoked/);
        expect(await owner.locator('table.audit tbody tr').count()).toBe(1);
        await expectAccessible(owner);
        await owner.goto(`/orgs/${orgId}/audit`);
        await snap(owner, 'audit');
        for (const url of [`/orgs/${orgId}/settings`, '/profile', '/profile/activity']) await visit(owner, url);
        await snap(owner, 'activity');
        await visit(owner, '/dev/outbox');
        await snap(owner, 'outbox');
      });

      await step('keyboard sign-in', async () => {
        const page = await newPage();
        await visit(page, '/forgot-password');
        await visit(page, '/sign-in');
        for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i += 1)
          await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
        await page.keyboard.type(OWNER.email);
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
        await page.keyboard.type(OWNER.password);
        await page.keyboard.press('Enter');
        await page.waitForURL('**/profile');
        expect(await page.locator('main').textContent()).toContain(OWNER.email);
      });

      expect(cspErrors).toEqual([]);
    }, 60_000);
  });
}
