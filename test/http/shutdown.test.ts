/**
 * Graceful shutdown of a real server process (docs/api.md "Process"): on SIGTERM /readyz fails at once while the
 * instance keeps serving for SHUTDOWN_DRAIN_SECONDS — also on connections kept alive from before, each answer
 * closing its connection — then it stops taking connections, lets the requests in flight finish with their
 * normal answers, and exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeptAlive } from '../helpers/kept-alive.ts';
import { newSecretKey, runCli, startServer, turnOffNewDeviceCheck } from '../helpers/process.ts';

const ORIGIN = 'http://twofold.test';
const PASSWORD = 'granite-willow-compass-88';

describe('SIGTERM drains in-flight requests', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-drain-'));
    env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'twofold.db')}`,
      DATA_DIR: dir,
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
    };
    const init = await runCli(
      ['init', '--org', 'Drain Co', '--email', 'owner@drain.test', '--password-stdin'],
      env,
      `${PASSWORD}\n`,
    );
    expect(init.code, init.stderr).toBe(0);
    await turnOffNewDeviceCheck(env.DATABASE_URL!);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request it had accepted, then exits 0', async () => {
    // No drain: the listener closes at once, under the requests in flight.
    const server = await startServer({ ...env, SHUTDOWN_DRAIN_SECONDS: '0' });
    const signIn = (email: string, password: string): Promise<number> =>
      fetch(`${server.url}/api/v1/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email, password }),
      }).then((r) => r.status);
    // Each sign-in hashes with argon2id (≈ 15 ms, on a pool of 4 threads): 8 of them are in flight together.
    // One for the owner, seven for an unknown account (hashed all the same; no per-account counter, whose
    // compare-and-swap may refuse parallel sign-ins of one account).
    const inFlight = [
      signIn('owner@drain.test', PASSWORD),
      ...Array.from({ length: 7 }, () => signIn('nobody@drain.test', PASSWORD)),
    ];
    await server.waitForLines((line) => line.includes('"incoming request"') && line.includes('/api/v1/sign-in'), 8);
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    expect(await server.exited).toBe(0);
    expect(server.lines.some((line) => line.includes('"draining"'))).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('fails /readyz first and keeps serving kept-alive connections through the drain (with Connection: close), then exits 0', async () => {
    const drainSeconds = 3;
    const server = await startServer({ ...env, SHUTDOWN_DRAIN_SECONDS: String(drainSeconds) });
    // A load balancer's pooled connections, each used once and now idle.
    const [post, get, idle] = await Promise.all([
      KeptAlive.open(server.url),
      KeptAlive.open(server.url),
      KeptAlive.open(server.url),
    ]);
    for (const connection of [post, get, idle]) {
      const warm = await connection.request('GET', '/healthz');
      expect(warm.status).toBe(200);
      expect(warm.headers.connection).toBe('keep-alive');
    }

    server.child.kill('SIGTERM');
    await server.waitForLines((line) => line.includes('"draining"'));
    const drainStarted = Date.now();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(ready.headers.get('connection')).toBe('close');

    // A POST (which no proxy retries) on a connection from before SIGTERM is processed and answered.
    const signIn = await post.request('POST', '/api/v1/sign-in', {
      json: { email: 'owner@drain.test', password: PASSWORD },
      headers: { origin: ORIGIN },
    });
    expect(signIn.status).toBe(200);
    expect(JSON.parse(signIn.body).status).toBe('signed_in');
    expect(signIn.headers.connection).toBe('close');
    await post.closed;
    const health = await get.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.connection).toBe('close');

    // The connection nobody used during the drain is closed only once the drain is over.
    expect(idle.isClosed).toBe(false);
    await idle.closed;
    expect(Date.now() - drainStarted).toBeGreaterThanOrEqual(drainSeconds * 1000 - 200);
    expect(await server.exited).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
