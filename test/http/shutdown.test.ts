/**
 * Graceful shutdown of a real server process (API.md "Process"): on SIGTERM it stops taking connections,
 * lets the requests already in flight finish with their normal answers, and exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecretKey, runCli, startServer } from '../helpers/process.ts';

const ORIGIN = 'http://twofold.test';
const PASSWORD = 'granite-willow-compass-88';

describe('SIGTERM drains in-flight requests', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-drain-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'twofold.db')}`, DATA_DIR: dir, TWOFOLD_SECRET_KEY: newSecretKey(), PUBLIC_URL: ORIGIN };
    const init = await runCli(['init', '--org', 'Drain Co', '--email', 'owner@drain.test', '--password-stdin'], env, `${PASSWORD}\n`);
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request it had accepted, then exits 0', async () => {
    const server = await startServer(env);
    const signIn = (email: string, password: string): Promise<number> =>
      fetch(`${server.url}/api/v1/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email, password }),
      }).then((r) => r.status);
    // Each sign-in hashes with argon2id (≈ 15 ms, on a pool of 4 threads): 8 of them are in flight together.
    // One for the owner, seven for an unknown account (hashed all the same; no per-account counter, whose
    // compare-and-swap may refuse parallel sign-ins of one account).
    const inFlight = [signIn('owner@drain.test', PASSWORD), ...Array.from({ length: 7 }, () => signIn('nobody@drain.test', PASSWORD))];
    await server.waitForLines((line) => line.includes('"incoming request"') && line.includes('/api/v1/sign-in'), 8);
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    expect(await server.exited).toBe(0);
    expect(server.lines.some((line) => line.includes('"draining"'))).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
