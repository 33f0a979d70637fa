/**
 * In Chromium: an action that needs a fresh re-authentication — the org policy change, a password change, an
 * admin 2FA reset — goes through "Confirm it's you" and then completes with what the person had entered,
 * instead of silently coming back to an empty form. Axe on the confirm page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Client, OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

const STAFF = { email: 'nurse@acme.test', password: 'quiet-meadow-copper-81' };
const NEW_PASSWORD = 'amber-glacier-pilot-9031';

describe('actions complete after "Confirm it\'s you"', () => {
  let rig: BrowserRig;
  let orgId: string;
  let secret: string;
  let staffId: string;

  beforeAll(async () => {
    rig = await startRig('sqlite');
    const setup = await setUpOwner(rig.t);
    orgId = setup.orgId;
    secret = (await enrolTotp(rig.t, setup.owner, OWNER.password)).secret;
    const staff = await createMember(rig.t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email: STAFF.email,
      role: 'staff',
      password: STAFF.password,
    });
    staffId = staff.id;
    // The member has an authenticator app, so an admin reset has something to remove.
    const member = new Client(rig.t.app);
    await member.post('/api/v1/sign-in', { email: STAFF.email, password: STAFF.password });
    await enrolTotp(rig.t, member, STAFF.password);
  });
  afterAll(async () => {
    await rig.close();
  });

  /** A fresh authenticator code (each step is accepted once: the clock moves on). */
  const code = (): string => {
    rig.t.clock.advanceSeconds(30);
    return codeAt(secret, rig.t.clock.now());
  };

  async function confirm(page: Page, password = OWNER.password): Promise<void> {
    await expect.poll(() => page.getByRole('heading', { name: "Confirm it's you" }).count()).toBe(1);
    await expectAccessible(page);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Code', { exact: true }).fill(code());
    await page.getByRole('button', { name: 'Confirm' }).click();
  }

  it(
    'the policy change, a password change and an admin reset each complete after confirming',
    { timeout: 120_000 },
    async () => {
      const { page } = await rig.newPage();
      await step(page, 'resume-sign-in', async () => {
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByLabel('Authentication code', { exact: true }).fill(code());
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(/\/profile$/);
        rig.t.clock.advanceSeconds(11 * 60); // the sign-in's sudo window has closed
        await page.goto('/profile');
        // On a wide screen the navigation is open and there is no Menu button.
        expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
        expect(await page.getByRole('link', { name: 'Security', exact: true }).isVisible()).toBe(true);
      });

      await step(page, 'resume-policy', async () => {
        await page.goto(`/orgs/${orgId}/security`);
        await page.getByLabel('Staff', { exact: true }).check();
        await page.getByLabel(/Grace period/).fill('5');
        await page.getByRole('button', { name: 'Review change' }).click();
        await page.getByRole('button', { name: 'Confirm and save' }).click();
        await confirm(page);
        await expect.poll(() => page.getByText('Security policy saved').count()).toBe(1);
        const org = await rig.t.ctx.db.kysely
          .selectFrom('orgs')
          .select(['require_two_factor', 'grace_period_days'])
          .where('id', '=', orgId)
          .executeTakeFirstOrThrow();
        expect(org).toEqual({ require_two_factor: 'staff', grace_period_days: 5 });
        rig.t.clock.advanceSeconds(11 * 60);
        await page.goto('/profile');
      });

      await step(page, 'resume-admin-reset', async () => {
        await page.goto(`/orgs/${orgId}/members/${staffId}/reset`);
        await page.getByLabel(/Reason/).fill('lost phone, checked by video call');
        await page.getByRole('button', { name: 'Reset 2FA' }).click();
        await confirm(page);
        await page.waitForURL(/\/compliance\?done=reset/);
        const reset = await rig.t.ctx.db.kysely
          .selectFrom('audit_events')
          .select('details')
          .where('event', '=', 'two_factor.reset')
          .executeTakeFirstOrThrow();
        expect(JSON.parse(reset.details).reason).toBe('lost phone, checked by video call');
        rig.t.clock.advanceSeconds(11 * 60);
        await page.goto('/profile');
      });

      await step(page, 'resume-password', async () => {
        await page.getByLabel('Current password').fill(OWNER.password);
        await page.getByLabel('New password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Change password' }).click();
        await confirm(page);
        await page.waitForURL(/\/profile\?done=password_changed/);
        await expect.poll(() => page.getByRole('status').count()).toBeGreaterThan(0);
      });
      const signIn = await new Client(rig.t.app).post('/api/v1/sign-in', {
        email: OWNER.email,
        password: NEW_PASSWORD,
      });
      expect(signIn.json().status).toBe('second_factor_required');
    },
  );
});
