/**
 * Browser tests: Debian's Chromium through playwright-core, a twofold app listening on localhost with a
 * matching PUBLIC_URL, axe-core on every page visited, and a screenshot when a step fails.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DialectName } from '../../src/db/connect.ts';
import { createTestApp, type TestApp } from './app.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BrowserRig {
  readonly t: TestApp;
  readonly base: string;
  readonly browser: Browser;
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** WebAuthn needs a secure context: http://localhost (not 127.0.0.1) is one. */
export async function startRig(
  dialect: DialectName = 'sqlite',
  options: { env?: Record<string, string>; clockStart?: number } = {},
): Promise<BrowserRig> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const t = await createTestApp(dialect, {
    env: { PUBLIC_URL: base, ...options.env },
    logLevel: 'warn',
    clockStart: options.clockStart,
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  return {
    t,
    base,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: base });
      const page = await context.newPage();
      page.setDefaultTimeout(8000);
      return { context, page };
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * axe-core in the page, evaluated as a string through the DevTools protocol: the page's CSP (no inline
 * script) stays on, since evaluation from the automation side is not page script.
 */
export async function expectAccessible(page: Page): Promise<void> {
  // A click that navigates returns once the next page starts loading: axe must see the page it has loaded.
  await page.waitForLoadState('load');
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: unknown,
          ) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  })) as Array<{ id: string; impact: string; targets: string[] }>;
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${page.url()}: ${JSON.stringify(serious)}`).toEqual([]);
}

/** Runs a step; on failure saves a screenshot to test-results/ and rethrows. */
export async function step<T>(page: Page, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    fs.mkdirSync('test-results', { recursive: true });
    await page
      .screenshot({ path: path.join('test-results', `${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true })
      .catch(() => {});
    throw error;
  }
}

export async function signInOnPage(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await expectAccessible(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/sign-in', { waitUntil: 'domcontentloaded' }),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
}

export async function signOutOnPage(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /^Sign out/ })
    .click();
  await page.waitForURL(/\/sign-in/);
}
