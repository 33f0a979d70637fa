/**
 * Sign-in under concurrency in a real browser (Chromium): the sign-in page open in several tabs of one
 * browser, all submitted at once with the right password, signs in every tab; wrong passwords from one
 * address stop at the per-address failure limit with a readable message (axe-checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { RATE_LIMITS } from '../../src/config/defaults.ts';
import { expectAccessible, startRig, step, type BrowserRig } from '../helpers/browser.ts';
import { OWNER, setUpOwner } from '../helpers/app.ts';

const TABS = 20;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`sign-in in several tabs (${dialect})`, () => {
    let rig: BrowserRig;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      rig = await startRig(dialect);
      await setUpOwner(rig.t);
    }, 60_000);

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await rig?.close();
    });

    /** The answer to the sign-in form's POST (a redirect when signed in, the form again otherwise). */
    async function submitted(page: Page): Promise<number> {
      const response = await page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in',
      );
      return response.status();
    }

    async function fill(page: Page, password: string): Promise<void> {
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(password);
    }

    it(`${TABS} tabs submitted at once with the right password: every tab is signed in`, async () => {
      const { context, page: first } = await rig.newPage();
      contexts.push(context);
      const pages = [first];
      for (let i = 1; i < TABS; i += 1) pages.push(await context.newPage());
      // Twenty tabs hashing at once on two cores take a while (more when other work shares the machine): the
      // test is about every tab getting in, not about how fast.
      for (const page of pages) page.setDefaultTimeout(40_000);
      for (const page of pages) {
        await page.goto('/sign-in');
        await fill(page, OWNER.password);
      }
      await step(first, 'tabs-submitted', async () => {
        await Promise.all(
          pages.map(async (page) => {
            await Promise.all([submitted(page), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
            await page.waitForLoadState('domcontentloaded');
          }),
        );
      });
      expect(pages.map((page) => new URL(page.url()).pathname)).toEqual(Array(TABS).fill('/profile'));
      await expectAccessible(first);
      const row = await rig.t.ctx.db.kysely
        .selectFrom('attempt_counters')
        .selectAll()
        .where('key', 'like', 'pwd:%')
        .executeTakeFirstOrThrow();
      expect(Number(row.failures)).toBe(0);
    }, 120_000);

    it('wrong passwords from one address: the failure limit answers with a readable 429 page', async () => {
      const { context, page } = await rig.newPage();
      contexts.push(context);
      const statuses: number[] = [];
      for (let i = 0; i <= RATE_LIMITS.signInFailures.limit; i += 1) {
        await page.goto('/sign-in');
        await fill(page, `not-the-password-${i}`);
        const [status] = await Promise.all([
          submitted(page),
          page.getByRole('button', { name: 'Sign in', exact: true }).click(),
        ]);
        statuses.push(status);
        await page.waitForLoadState('domcontentloaded');
      }
      expect(statuses.slice(0, RATE_LIMITS.signInFailures.limit).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      expect(await page.locator('main').innerText()).toMatch(/too many requests/i);
      await expectAccessible(page);
    }, 90_000);
  });
}
