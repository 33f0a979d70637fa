/**
 * Team policy in Chromium at phone width (320 px), with axe on each page: the owner exempts a member and extends
 * a deadline from the compliance view; 28 days after turning on 2FA, the sign-in shows the check-up once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const DAY = 86_400;

describe('team policy in the browser', () => {
  let rig: BrowserRig;
  let orgId: string;
  let secret: string;
  beforeAll(async () => {
    rig = await startRig('sqlite');
    const setup = await setUpOwner(rig.t);
    orgId = setup.orgId;
    const org = { id: orgId, name: OWNER.orgName, createdAt: '' };
    for (const email of ['nurse@acme.test', 'late@acme.test'])
      await createMember(rig.t.ctx, OPERATOR, { org, email, role: 'staff', password: 'quiet-meadow-copper-81' });
    expect(
      (await setup.owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 7 }))
        .statusCode,
    ).toBe(200);
    secret = (await enrolTotp(rig.t, setup.owner, OWNER.password)).secret;
  });
  afterAll(async () => {
    await rig.close();
  });

  it(
    'exempts and extends from the compliance view, then shows the check-up at day 28',
    { timeout: 120_000 },
    async () => {
      const clock = rig.t.clock;
      const { page } = await rig.newPage();
      await page.setViewportSize({ width: 320, height: 720 });
      const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      const signIn = async (): Promise<void> => {
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(secret, clock.now()));
        await page.getByRole('button', { name: 'Verify' }).click();
        clock.advanceSeconds(30);
      };

      await step(page, 'policy-exempt', async () => {
        await signIn();
        await page.waitForURL(/\/profile$/);
        await page.goto(`/orgs/${orgId}/compliance`);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
        await page.getByRole('link', { name: 'Exempt… nurse@acme.test' }).click();
        await expect.poll(() => page.getByRole('heading', { name: /^Exempt nurse@acme.test/ }).count()).toBe(1);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
        await page.getByLabel(/^Reason/).fill('Security key on its way');
        await page.getByRole('button', { name: 'Exempt', exact: true }).click();
        await expect.poll(() => page.getByText('The exemption was saved').count()).toBe(1);
        await expect.poll(() => page.getByText(/exempt until \d{4}-/).count()).toBe(1);
        await expectAccessible(page);
      });

      await step(page, 'policy-extend', async () => {
        await page.getByRole('link', { name: 'Extend deadline… late@acme.test' }).click();
        await expect.poll(() => page.getByRole('heading', { name: /^Extend the two-factor deadline/ }).count()).toBe(1);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
        await page.getByRole('button', { name: 'Extend deadline' }).click();
        await expect.poll(() => page.getByText(/deadline extended to \d{4}-/).count()).toBe(1);
        await page.context().clearCookies(); // signed out (the menu folds at this width)
      });

      await step(page, 'policy-checkup', async () => {
        clock.advanceSeconds(28 * DAY);
        await signIn();
        await page.waitForURL(/\/sign-in\/checkup/);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
        await page.getByLabel('I still have my backup codes').check();
        await page.getByRole('button', { name: 'Done', exact: true }).click();
        await page.waitForURL(/\/profile$/);
        await page.context().clearCookies(); // signed out (the menu folds at this width)
        await signIn();
        await page.waitForURL(/\/profile$/);
      });
    },
  );
});
