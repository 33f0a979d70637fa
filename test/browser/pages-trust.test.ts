/**
 * In Chromium, what a new person trips on: an authenticator setup survives a mistyped code (same key),
 * removing a method asks first, turning 2FA off while an org requires it says so, the recovery page says
 * when and what next, the compliance view offers only what may be done, titles match the navigation, the
 * onboarding checklist, and every main page fits 320 and 375 px. Axe on every page visited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Client, OWNER, setUpOwner } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createMember } from '../../src/flows/members.ts';
import { OPERATOR } from '../../src/flows/operator.ts';

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

  let orgId = '';

  beforeAll(async () => {
    rig = await startRig('sqlite');
    orgId = (await setUpOwner(rig.t)).orgId;
  });

  /** A member of the org with an authenticator app. */
  async function memberWithApp(email: string, role: 'staff' | 'client' | 'admin') {
    const password = 'quiet-meadow-copper-81';
    await createMember(rig.t.ctx, OPERATOR, {
      org: { id: orgId, name: OWNER.orgName, createdAt: '' },
      email,
      role,
      password,
    });
    const client = new Client(rig.t.app);
    await client.post('/api/v1/sign-in', { email, password });
    const { secret: appSecret } = await enrolTotp(rig.t, client, password);
    return { email, password, secret: appSecret };
  }
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

  it(
    '"Recovery started" says when in the browser\'s time zone, what happens next, how to cancel, and links to sign-in',
    { timeout: 60_000 },
    async () => {
      const member = await memberWithApp('clerk@acme.test', 'staff');
      const context = await rig.browser.newContext({ baseURL: rig.base, timezoneId: 'Asia/Tokyo' });
      const page = await context.newPage();
      page.setDefaultTimeout(8000);
      await step(page, 'recovery-started', async () => {
        await signInOnPage(page, member.email, member.password);
        await page.waitForURL(/\/sign-in\/challenge/);
        await page.getByRole('link', { name: "Can't access your device?" }).click();
        await page.getByRole('button', { name: 'Email me a recovery link' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Check your email' }).count()).toBe(1);
        const mail = await rig.t.ctx.db.kysely
          .selectFrom('mail_outbox')
          .select('body_text')
          .where('recipient', '=', member.email)
          .where('subject', 'like', 'Recover access%')
          .executeTakeFirstOrThrow();
        await page.goto(/http:\/\/localhost:\d+(\/recovery\/confirm\?token=[A-Za-z0-9_%-]+)/.exec(mail.body_text)![1]!);
        await page.getByRole('button', { name: 'Start recovery' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Recovery started' }).count()).toBe(1);
        await expectAccessible(page);
        const row = await rig.t.ctx.db.kysely
          .selectFrom('recoveries')
          .select('completes_at')
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        const parts = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Asia/Tokyo',
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).formatToParts(new Date(row.completes_at!));
        const part = (type: string) => parts.find((p) => p.type === type)!.value;
        const local = `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')} your time`;
        await expect
          .poll(() => page.locator('main p strong').first().textContent())
          .toBe(`Recovery completes in 24 hours (${local}).`);
        expect(await page.getByRole('heading', { name: 'What happens next' }).count()).toBe(1);
        expect(await page.getByRole('heading', { name: 'How to cancel it' }).count()).toBe(1);
        await page.getByRole('link', { name: 'Back to sign-in' }).click();
        await page.waitForURL(/\/sign-in$/);
      });
      // Without script the UTC time is shown.
      const plain = await rig.browser.newContext({ baseURL: rig.base, javaScriptEnabled: false });
      const noScript = await plain.newPage();
      noScript.setDefaultTimeout(8000);
      await noScript.goto('/sign-in');
      await noScript.getByLabel('Email').fill(member.email);
      await noScript.getByLabel('Password', { exact: true }).fill(member.password);
      await noScript.getByRole('button', { name: 'Sign in', exact: true }).click();
      await noScript.waitForURL(/\/sign-in\/challenge/);
      await noScript.goto('/sign-in/recovery');
      expect(await noScript.locator('time[data-local]').first().textContent()).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
      );
      await plain.close();
      await context.close();
    },
  );

  /** Signs a person in with their authenticator app, on a new browser context of the given width. */
  async function signedIn(person: { email: string; password: string; secret: string }, width = 1280) {
    const context = await rig.browser.newContext({ baseURL: rig.base, viewport: { width, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signInOnPage(page, person.email, person.password);
    await page.waitForURL(/\/sign-in\/challenge/);
    rig.t.clock.advanceSeconds(30);
    await page.getByLabel('Authentication code', { exact: true }).fill(codeAt(person.secret, rig.t.clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    return { context, page };
  }

  const owner = () => ({ email: OWNER.email, password: OWNER.password, secret });

  it(
    'the compliance view offers "Reset 2FA" only where the reset is allowed, with the Security page\'s method names and capitalised roles',
    { timeout: 60_000 },
    async () => {
      const admin = await memberWithApp('admin@acme.test', 'admin');
      await memberWithApp('nurse@acme.test', 'staff');
      const { context, page } = await signedIn(owner());
      await step(page, 'compliance-owner', async () => {
        await page.goto(`/orgs/${orgId}/compliance`);
        await expectAccessible(page);
        const ownerRow = page.getByRole('row', { name: new RegExp(OWNER.email) });
        expect(await ownerRow.getByRole('link', { name: /Reset 2FA/ }).count()).toBe(0);
        expect(await ownerRow.getByRole('cell', { name: 'Owner', exact: true }).count()).toBe(1);
        expect(await ownerRow.getByRole('cell', { name: 'Authenticator app', exact: true }).count()).toBe(1);
        const nurseRow = page.getByRole('row', { name: /nurse@acme\.test/ });
        expect(await nurseRow.getByRole('cell', { name: 'Staff', exact: true }).count()).toBe(1);
        expect(await nurseRow.getByRole('link', { name: /Reset 2FA/ }).count()).toBe(1);
        expect(await page.content()).not.toMatch(/<td>(totp|passkey|phone|staff|owner|admin)<\/td>/);
      });
      await context.close();
      const asAdmin = await signedIn(admin);
      await step(asAdmin.page, 'compliance-admin', async () => {
        await asAdmin.page.goto(`/orgs/${orgId}/compliance`);
        const rows = asAdmin.page.getByRole('row');
        // An admin may reset staff, not the owner, nor themselves.
        expect(
          await rows
            .filter({ hasText: OWNER.email })
            .getByRole('link', { name: /Reset 2FA/ })
            .count(),
        ).toBe(0);
        expect(
          await rows
            .filter({ hasText: 'admin@acme.test' })
            .getByRole('link', { name: /Reset 2FA/ })
            .count(),
        ).toBe(0);
        expect(
          await rows
            .filter({ hasText: 'nurse@acme.test' })
            .getByRole('link', { name: /Reset 2FA/ })
            .count(),
        ).toBe(1);
      });
      await asAdmin.context.close();
    },
  );

  it('each main navigation link opens a page whose heading and title carry its name', { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(owner());
    await step(page, 'nav-titles', async () => {
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      const count = await links.count();
      expect(count).toBeGreaterThan(5);
      const targets: Array<[string, string]> = [];
      for (let i = 0; i < count; i += 1)
        targets.push([(await links.nth(i).textContent())!.trim(), (await links.nth(i).getAttribute('href'))!]);
      for (const [label, href] of targets) {
        await page.goto(href);
        const heading = (await page.getByRole('heading', { level: 1 }).first().textContent())!;
        expect(heading.toLowerCase(), href).toContain(label.toLowerCase());
        expect((await page.title()).toLowerCase(), href).toContain(label.toLowerCase());
        // The org's own tabs use the same names.
        const tabs = page.getByRole('navigation', { name: 'Organization' });
        if (await tabs.count()) {
          const current = tabs.locator('[aria-current="page"]');
          if (await current.count()) expect((await current.textContent())!.trim()).toBe(label);
        }
      }
    });
    await context.close();
  });

  it(
    "the owner's onboarding checklist ticks what is done, links to what is not, and goes once all are done",
    { timeout: 60_000 },
    async () => {
      const { context, page } = await signedIn(owner());
      await step(page, 'onboarding', async () => {
        await page.goto('/profile');
        const list = page.getByRole('region', { name: 'Get Acme Clinic started' });
        await expect.poll(() => list.count()).toBe(1);
        await expectAccessible(page);
        // 2FA is on and the team has members: two ticked; the policy was never chosen.
        expect(await list.locator('li.done').count()).toBe(2);
        expect(await list.getByText('1 of 3 steps left.').count()).toBe(1);
        await list.getByRole('link', { name: /Choose the security policy/ }).click();
        await page.waitForURL(/\/security$/);
        await page.getByRole('button', { name: 'Review change' }).click();
        await page.getByRole('button', { name: 'Confirm and save' }).click();
        await page.waitForLoadState('domcontentloaded');
        await page.goto('/profile');
        expect(await page.getByRole('region', { name: 'Get Acme Clinic started' }).count()).toBe(0);
      });
      await context.close();
    },
  );

  it(
    '"Confirm it\'s you" says which action it is for, and offers Cancel and "Forgot password?"',
    { timeout: 60_000 },
    async () => {
      const { context, page } = await signedIn(owner());
      await step(page, 'confirm-page', async () => {
        rig.t.clock.advanceSeconds(11 * 60);
        // A page asked for (GET) …
        await page.goto('/profile/security/totp');
        await expect.poll(() => page.getByRole('heading', { name: "Confirm it's you" }).count()).toBe(1);
        await expectAccessible(page);
        expect(await page.locator('main').textContent()).toContain('to set up an authenticator app.');
        expect(await page.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe(
          '/forgot-password',
        );
        await page.getByRole('link', { name: 'Cancel' }).click();
        await page.waitForURL(/\/profile\/security$/);
        // … and a form posted.
        await page.goto(`/orgs/${orgId}/security`);
        await page.getByRole('button', { name: 'Review change' }).click();
        await page.getByRole('button', { name: 'Confirm and save' }).click();
        await expect.poll(() => page.getByRole('heading', { name: "Confirm it's you" }).count()).toBe(1);
        expect(await page.locator('main').textContent()).toContain("to change your organization's security policy.");
        expect(await page.getByRole('link', { name: 'Cancel' }).getAttribute('href')).toBe(`/orgs/${orgId}/security`);
      });
      await context.close();
    },
  );

  for (const width of [320, 375]) {
    it(`every main page fits ${width} px without horizontal scroll`, { timeout: 90_000 }, async () => {
      const fits = async (page: Page, what: string) => {
        await page.waitForLoadState('load');
        const sizes = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
        }));
        expect(sizes.scroll, `${what} at ${width} px`).toBeLessThanOrEqual(sizes.inner);
      };
      // Signed out: sign-in, the second step, recovery.
      const out = await rig.browser.newContext({ baseURL: rig.base, viewport: { width, height: 700 } });
      const page = await out.newPage();
      page.setDefaultTimeout(8000);
      await step(page, `narrow-${width}-signed-out`, async () => {
        await page.goto('/sign-in');
        await fits(page, 'sign-in');
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL(/\/sign-in\/challenge/);
        await fits(page, 'challenge');
        await expectAccessible(page);
        await page.goto('/sign-in/recovery');
        await fits(page, 'recovery');
      });
      await out.close();
      const { context, page: signed } = await signedIn(owner(), width);
      await step(signed, `narrow-${width}-signed-in`, async () => {
        for (const path of [
          '/profile',
          '/profile/security',
          '/profile/security/totp',
          `/orgs/${orgId}/members`,
          `/orgs/${orgId}/security`,
          `/orgs/${orgId}/compliance`,
          `/orgs/${orgId}/settings`,
          `/orgs/${orgId}/audit`,
          `/orgs/${orgId}/apps`,
        ]) {
          await signed.goto(path);
          if (signed.url().includes('/confirm')) continue;
          await fits(signed, path);
          await expectAccessible(signed);
        }
      });
      await context.close();
    });
  }
});
