/**
 * Organization → Webhooks in Chromium at phone width (320 px), with axe on each page: the owner adds an
 * endpoint (a real receiver), copies the secret shown once, and reads the delivery log after an event; the
 * navigation folds behind a Menu button at that width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, setUpOwner, type Client } from '../helpers/app.ts';
import { expectAccessible, signInOnPage, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { startReceiver, verifyDelivery, type Receiver } from '../helpers/webhook-receiver.ts';

describe('webhooks page in the browser', () => {
  let rig: BrowserRig;
  let receiver: Receiver;
  let owner: Client;
  let orgId: string;
  beforeAll(async () => {
    rig = await startRig('sqlite', { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, clockStart: Date.now() });
    ({ owner, orgId } = await setUpOwner(rig.t));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await rig.close();
  });

  const widest = (page: import('playwright-core').Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('.table-scroll'))
        .map((e) => ({
          tag: e.tagName + '.' + e.className + ' ' + (e.textContent ?? '').slice(0, 30),
          right: Math.round(e.getBoundingClientRect().right),
          sw: document.documentElement.scrollWidth,
        }))
        .sort((a, b) => b.right - a.right)
        .slice(0, 5),
    );

  it(
    'adds an endpoint at 320 px, shows the secret once, and the delivery log after an event',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await rig.newPage();
      await page.setViewportSize({ width: 320, height: 720 });
      const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      let secret = '';
      await step(page, 'webhooks-add', async () => {
        await signInOnPage(page, OWNER.email, OWNER.password);
        await page.goto(`/orgs/${orgId}/webhooks`);
        await expect.poll(() => page.getByRole('heading', { name: /^Webhooks — / }).count()).toBe(1);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
        // At phone width the navigation folds behind "Menu", opened from the keyboard too.
        const menu = page.getByRole('button', { name: 'Menu' });
        await expect.poll(() => menu.isVisible()).toBe(true);
        expect(await page.getByRole('link', { name: 'Profile' }).isVisible()).toBe(false);
        await menu.focus();
        await page.keyboard.press('Enter');
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        await expect.poll(() => page.getByRole('link', { name: 'Profile' }).isVisible()).toBe(true);
        await expectAccessible(page);
        await page.getByLabel(/^URL/).fill(receiver.url);
        await page.getByRole('button', { name: 'Add endpoint' }).click();
        await expect.poll(() => page.getByText('Copy the signing secret now').count()).toBe(1);
        secret = (await page.locator('#webhook-secret').textContent())!;
        expect(secret).toMatch(/^whsec_/);
        await expectAccessible(page);
        expect(await noSideScroll()).toBe(true);
      });
      await step(page, 'webhooks-log', async () => {
        expect(
          (await owner.patch(`/api/v1/orgs/${orgId}/policy`, { requireTwoFactor: 'staff', gracePeriodDays: 7 }))
            .statusCode,
        ).toBe(200);
        const [message] = await receiver.waitFor(1);
        expect(verifyDelivery(secret, message!).type).toBe('policy.changed');
        await page.getByRole('link', { name: receiver.url }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Webhook endpoint' }).count()).toBe(1);
        await expect.poll(() => page.getByText('Delivered').count()).toBe(1);
        await expectAccessible(page);
        expect(await noSideScroll(), JSON.stringify(await widest(page))).toBe(true);
      });
      await context.close();
    },
  );
});
