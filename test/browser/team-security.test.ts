/**
 * Team security in Chromium: the owner requires 2FA for staff; a staff member postpones during the grace
 * period, is forced to enrol after the deadline (test clock), succeeds; the owner sees adoption change.
 * Then the lost-phone story: recovery by email, the delay, and a fresh start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, signOutOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const STAFF = { email: 'nurse@acme.test', password: 'quiet-meadow-copper-81' };
const DAY = 86_400;

describe('team security in the browser', () => {
  let rig: BrowserRig;
  let orgId: string;
  let ownerSecret: string;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    const setup = await setUpOwner(rig.t);
    orgId = setup.orgId;
    ownerSecret = (await enrolTotp(rig.t, setup.owner, OWNER.password)).secret;
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: STAFF.email,
      role: 'staff',
      password: STAFF.password,
    });
  });
  afterAll(async () => {
    await rig.close();
  });

  it(
    'enforcement with a grace period, forced enrolment, adoption on the compliance page; then recovery of a lost phone',
    { timeout: 150_000 },
    async () => {
      const clock = rig.t.clock;
      const { page: ownerPage } = await rig.newPage();
      const { page } = await rig.newPage();

      const ownerSignIn = async (): Promise<void> => {
        await signInOnPage(ownerPage, OWNER.email, OWNER.password);
        await ownerPage.waitForURL(/\/sign-in\/challenge/);
        await ownerPage.getByLabel('Authentication code', { exact: true }).fill(codeAt(ownerSecret, clock.now()));
        await ownerPage.getByRole('button', { name: 'Verify' }).click();
        await ownerPage.waitForURL(/\/profile$/);
        clock.advanceSeconds(30);
      };
      await step(ownerPage, 'owner-requires-2fa', async () => {
        await ownerSignIn();
        await ownerPage.goto(`/orgs/${orgId}/security`);
        await expectAccessible(ownerPage);
        await ownerPage.getByLabel('Staff', { exact: true }).check();
        await ownerPage.getByLabel(/Grace period/).fill('7');
        await ownerPage.getByRole('button', { name: 'Review change' }).click();
        await expect
          .poll(() =>
            ownerPage
              .getByText(/1 member without two-factor authentication will have to set it up within 7 days/)
              .count(),
          )
          .toBe(1);
        await expectAccessible(ownerPage);
        await ownerPage.getByRole('button', { name: 'Confirm and save' }).click();
        await expect.poll(() => ownerPage.getByText('Security policy saved').count()).toBe(1);
      });

      await step(page, 'staff-postpones', async () => {
        clock.advanceSeconds(2 * DAY);
        await signInOnPage(page, STAFF.email, STAFF.password);
        await page.waitForURL(/two-factor-reminder/);
        await expectAccessible(page);
        await expect.poll(() => page.getByText(/5 days left/).count()).toBeGreaterThan(0);
        await page.getByRole('link', { name: 'Later' }).click();
        await page.waitForURL(/\/profile$/);
        await signOutOnPage(page);
      });

      const secret = await step(page, 'staff-forced-to-enrol', async () => {
        clock.advanceSeconds(6 * DAY);
        await signInOnPage(page, STAFF.email, STAFF.password);
        await page.waitForURL(/\/profile\/security$/);
        await expect.poll(() => page.getByText(/requires two-factor authentication/).count()).toBeGreaterThan(0);
        await page.goto('/profile');
        await page.waitForURL(/\/profile\/security$/); // nothing else opens
        await page.getByRole('link', { name: 'Set up authenticator app' }).click();
        const shown = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
        await page.getByLabel('Code from the app').fill(codeAt(shown, clock.now()));
        await page.getByRole('button', { name: 'Turn on' }).click();
        await expect.poll(() => page.locator('#backup-codes li').count()).toBe(10);
        await page.getByRole('link', { name: 'I have saved my codes' }).click();
        await page.goto('/profile');
        await page.waitForURL(/\/profile$/);
        return shown;
      });

      await step(ownerPage, 'owner-sees-adoption', async () => {
        await ownerSignIn();
        await ownerPage.goto(`/orgs/${orgId}/compliance`);
        await expectAccessible(ownerPage);
        await expect
          .poll(() => ownerPage.getByText('2 of 2 members use two-factor authentication today.').count())
          .toBe(1);
      });

      await step(page, 'lost-phone-recovery', async () => {
        await signOutOnPage(page);
        clock.advanceSeconds(60);
        await signInOnPage(page, STAFF.email, STAFF.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByRole('link', { name: "Can't access your device?" }).click();
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Email me a recovery link' }).click();
        await expect.poll(() => page.getByText('Check your email').count()).toBe(1);
        const mail = await rig.t.ctx.db.kysely
          .selectFrom('mail_outbox')
          .select('body_text')
          .where('recipient', '=', STAFF.email)
          .where('subject', 'like', 'Recover access%')
          .executeTakeFirstOrThrow();
        const link = /http:\/\/localhost:\d+\/recovery\/confirm\?token=[A-Za-z0-9_%-]+/.exec(mail.body_text)![0];
        await page.goto(link);
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Start recovery' }).click();
        await expect.poll(() => page.getByText('Recovery started').count()).toBe(1);
        // Too early: the second step is still asked.
        clock.advanceSeconds(23 * 3600);
        await signInOnPage(page, STAFF.email, STAFF.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        clock.advanceSeconds(3600 + 1);
        await signInOnPage(page, STAFF.email, STAFF.password);
        // Recovered, and the org still requires 2FA: straight to enrolment.
        await page.waitForURL(/\/profile\/security$/);
        await expect.poll(() => page.getByText(/requires two-factor authentication/).count()).toBeGreaterThan(0);
        expect(secret).toMatch(/^[A-Z2-7]+$/);
      });
    },
  );
});
