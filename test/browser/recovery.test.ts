/**
 * Recovery in Chromium: the request page and the "recovery started" page say when it completes and how to
 * cancel it; a session signed in elsewhere shows the banner and cancels from it; after a password reset by
 * email the recovery page says from when recovery is possible again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';

const NEW_PASSWORD = 'harbor-violet-lantern-77';
const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

describe.each(DIALECTS)('recovery in the browser (%s)', (dialect) => {
  let rig: BrowserRig;
  let secret: string;
  beforeAll(async () => {
    rig = await startRig(dialect);
    const { owner } = await setUpOwner(rig.t);
    ({ secret } = await enrolTotp(rig.t, owner, OWNER.password));
  });
  afterAll(async () => {
    await rig.close();
  });

  async function latestLink(subject: string, path: string): Promise<string> {
    const mail = await rig.t.ctx.db.kysely
      .selectFrom('mail_outbox')
      .select('body_text')
      .where('recipient', '=', OWNER.email)
      .where('subject', 'like', `${subject}%`)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    return new RegExp(`http://localhost:\\d+${path}\\?token=[A-Za-z0-9_%-]+`).exec(mail.body_text)![0];
  }

  it(
    'started page with date and how to cancel, banner on another session, refusal after a password reset',
    { timeout: 150_000 },
    async () => {
      const clock = rig.t.clock;
      const { page: signedIn } = await rig.newPage();
      const { page } = await rig.newPage();

      await step(signedIn, 'owner-signs-in', async () => {
        await signInOnPage(signedIn, OWNER.email, OWNER.password);
        await signedIn.waitForURL(/\/sign-in\/challenge/);
        await signedIn.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, clock.now()));
        await signedIn.getByRole('button', { name: 'Verify' }).click();
        await signedIn.waitForURL(/\/profile$/);
        clock.advanceSeconds(30);
      });

      await step(page, 'request-and-start', async () => {
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByRole('link', { name: "Can't access your device?" }).click();
        await page.waitForURL(/\/sign-in\/recovery$/);
        await expectAccessible(page);
        await expect
          .poll(() => page.getByText(/opened now, that is \w{3} \d{1,2} \w{3}, \d\d:\d\d your time/).count())
          .toBe(1);
        await page.getByRole('button', { name: 'Email me a recovery link' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Check your email' }).count()).toBe(1);
        await expect.poll(() => page.getByRole('heading', { name: 'How to cancel it' }).count()).toBe(1);
        await expectAccessible(page);
        await page.goto(await latestLink('Recover access', '/recovery/confirm'));
        await expectAccessible(page);
        await page.getByRole('button', { name: 'Start recovery' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Recovery started' }).count()).toBe(1);
        const row = await rig.t.ctx.db.kysely
          .selectFrom('recoveries')
          .select('completes_at')
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        const completes = page.locator(`time[datetime="${row.completes_at}"]`);
        // Written in the browser's time zone by /static/local-time.js; the UTC time stays in its title.
        await expect.poll(() => completes.textContent()).toMatch(/^\w{3} \d{1,2} \w{3}, \d\d:\d\d your time$/);
        expect(await completes.getAttribute('title')).toBe(utc(row.completes_at!));
        await expect.poll(() => page.getByText(/Recovery completes in 24 hours/).count()).toBe(1);
        await expect.poll(() => page.getByRole('heading', { name: 'How to cancel it' }).count()).toBe(1);
        await expect
          .poll(() => page.getByText(/sign in with any of your two-factor methods: that cancels it at once/).count())
          .toBe(1);
        await expectAccessible(page);
      });

      await step(signedIn, 'banner-and-cancel', async () => {
        await signedIn.goto('/profile');
        const banner = signedIn.getByRole('alert').filter({ hasText: 'Someone started recovery of your account.' });
        await expect.poll(() => banner.count()).toBe(1);
        expect(await banner.locator('time').getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
        await expectAccessible(signedIn);
        await banner.getByRole('button', { name: 'Cancel recovery' }).click();
        await expect.poll(() => signedIn.getByRole('heading', { name: 'Recovery cancelled' }).count()).toBe(1);
        await signedIn.goto('/profile');
        await expect.poll(() => signedIn.getByText('Someone started recovery of your account.').count()).toBe(0);
      });

      await step(page, 'refused-after-reset', async () => {
        await page.goto('/forgot-password');
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByRole('button', { name: 'Send reset link' }).click();
        await page.waitForURL(/done=sent/);
        await page.goto(await latestLink('Reset your password', '/reset-password'));
        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.waitForURL(/\/sign-in\?done=password_reset/);
        const resetAt = (
          await rig.t.ctx.db.kysely
            .selectFrom('users')
            .select('password_reset_at')
            .where('email', '=', OWNER.email)
            .executeTakeFirstOrThrow()
        ).password_reset_at!;
        const availableAt = new Date(Date.parse(resetAt) + 7 * 86_400_000).toISOString();
        await signInOnPage(page, OWNER.email, NEW_PASSWORD);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByRole('link', { name: "Can't access your device?" }).click();
        await expect
          .poll(() =>
            page
              .getByRole('alert')
              .filter({ hasText: `Account recovery is possible from ${utc(availableAt)}` })
              .count(),
          )
          .toBe(1);
        expect(await page.getByRole('button', { name: 'Email me a recovery link' }).count()).toBe(0);
        await expectAccessible(page);
      });
    },
  );
});
