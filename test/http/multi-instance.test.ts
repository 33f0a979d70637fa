/**
 * Several stateless instances: two twofold server processes (A and B) on one PostgreSQL schema and one
 * Redis, with the same key and PUBLIC_URL. Any step may land on any instance: sign-in, enrolment,
 * single-use secrets, the account lockout and the per-IP request-rate limits hold across both.
 * Needs a real PostgreSQL server (TEST_DATABASE_URL) — the only suite that skips without one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../../src/crypto/index.ts';
import { bundledMigrations } from '../../src/db/migrations/index.ts';
import * as oidcClient from 'openid-client';
import { codeAt } from '../helpers/two-factor.ts';
import { Browser, newSecretKey, runCli, startServer, type ServerProcess } from '../helpers/process.ts';

const SERVER_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'http://twofold.test';
const OWNER = { email: 'owner@multi.test', password: 'saffron-glacier-tandem-61' };
const STAFF = { email: 'staff@multi.test', password: 'juniper-cobalt-meadow-27' };
const TITLE = SERVER_URL
  ? 'two instances on one PostgreSQL and one Redis'
  : 'two instances on one PostgreSQL and one Redis — SKIPPED: TEST_DATABASE_URL is not set, and this suite needs a real PostgreSQL server that two processes share';

let nextIp = 1;
/** A distinct client address per browser (the instances trust X-Forwarded-For from 127.0.0.1). */
const newIp = (): string => `10.${(nextIp >> 16) & 255}.${(nextIp >> 8) & 255}.${nextIp++ & 255}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leaves the last seconds of a 30-second TOTP step, so a code computed now is still checked in its step. */
async function awayFromStepEdge(): Promise<void> {
  const into = (Date.now() / 1000) % 30;
  if (into > 26) await sleep((30 - into + 0.5) * 1000);
}

describe.skipIf(!SERVER_URL)(TITLE, () => {
  const schema = `mi_${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  const prefix = `twofold-mi-${randomToken(6)}:`;
  let dir: string;
  let env: Record<string, string>;
  let a: ServerProcess;
  let b: ServerProcess;
  let db: pg.Client;
  let redis: Redis;
  let secret: string;
  let backupCodes: string[];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(SERVER_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-multi-'));
    env = {
      DATABASE_URL: url.toString(),
      DATA_DIR: dir,
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      TRUST_PROXY: '127.0.0.1',
    };
    // Both start at once on an empty schema: the migration lock lets exactly one of them migrate.
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
    const init = await runCli(
      ['init', '--org', 'Multi Co', '--email', OWNER.email, '--password-stdin'],
      env,
      `${OWNER.password}\n`,
    );
    expect(init.code, init.stderr).toBe(0);
    const staff = await runCli(
      ['user', 'add', '--org', 'Multi Co', '--email', STAFF.email, '--role', 'staff', '--password-stdin'],
      env,
      `${STAFF.password}\n`,
    );
    expect(staff.code, staff.stderr).toBe(0);
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    redis = new Redis(REDIS_URL);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await db?.end();
    const keys = (await redis?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const instance = (i: number): string => (i % 2 === 0 ? a.url : b.url);

  async function userId(email: string): Promise<string> {
    return (await db.query<{ id: string }>('select id from users where email = $1', [email])).rows[0]!.id;
  }

  /** Signs in on A, opens sudo on B, starts the authenticator app on B and confirms it on A. */
  async function enrolAcrossInstances(user: {
    email: string;
    password: string;
  }): Promise<{ secret: string; backupCodes: string[] }> {
    const browser = new Browser(ORIGIN, newIp());
    expect((await browser.post(a.url, '/api/v1/sign-in', user)).json.status).toBe('signed_in');
    expect((await browser.post(b.url, '/api/v1/me/reauthenticate', { password: user.password })).status).toBe(200);
    const start = await browser.post(b.url, '/api/v1/me/factors/totp');
    expect(start.status).toBe(200);
    await awayFromStepEdge();
    // The previous step's code (inside the ±1 window): the current step stays free for the next sign-in.
    const confirm = await browser.post(a.url, '/api/v1/me/factors/totp/confirm', {
      enrollmentId: start.json.enrollmentId,
      code: codeAt(start.json.secret, new Date(), -1),
    });
    expect(confirm.status, JSON.stringify(confirm.json)).toBe(200);
    expect(confirm.json.backupCodes).toHaveLength(10);
    return { secret: start.json.secret, backupCodes: confirm.json.backupCodes };
  }

  /**
   * `count` browsers that each passed the password (alternating A and B) and hold a challenge. One after
   * the other: a password attempt is counted (compare-and-swap) before it is checked, and parallel
   * sign-ins of one account may be refused — the guessing limit's price, not what this suite is about.
   */
  async function challenges(user: { email: string; password: string }, count: number): Promise<Browser[]> {
    const browsers = Array.from({ length: count }, () => new Browser(ORIGIN, newIp()));
    for (const [i, browser] of browsers.entries()) {
      const response = await browser.post(instance(i), '/api/v1/sign-in', user);
      expect(response.json.status, JSON.stringify(response.json)).toBe('second_factor_required');
    }
    return browsers;
  }

  it('ran each migration exactly once although both instances started together', async () => {
    const rows = (await db.query<{ name: string }>('select name from kysely_migration')).rows.map((r) => r.name);
    expect(rows.sort()).toEqual(Object.keys(await bundledMigrations.getMigrations()).sort());
  });

  it('enrolment started on B is confirmed on A; a sign-in started on A is finished on B; the session works on A', async () => {
    ({ secret, backupCodes } = await enrolAcrossInstances(OWNER));
    const browser = new Browser(ORIGIN, newIp());
    const first = await browser.post(a.url, '/api/v1/sign-in', OWNER);
    expect(first.json.status).toBe('second_factor_required');
    const verify = await browser.post(b.url, '/api/v1/sign-in/verify', {
      method: 'totp',
      code: codeAt(secret, new Date()),
    });
    expect(verify.status, JSON.stringify(verify.json)).toBe(200);
    const session = await browser.get(a.url, '/api/v1/session');
    expect(session.status).toBe(200);
    expect(session.json.user.email).toBe(OWNER.email);
    expect(session.json.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  }, 60_000);

  it('50 parallel uses of one backup code split across A and B: exactly one succeeds', async () => {
    const browsers = await challenges(OWNER, 50);
    const code = backupCodes[4]!;
    const responses = await Promise.all(
      browsers.map((browser, i) =>
        browser.post(instance(i), '/api/v1/sign-in/verify', { method: 'backup_code', code }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 401 && s !== 429)).toEqual([]);
    const unused = await db.query('select id from backup_codes where user_id = $1 and used_at is null', [
      await userId(OWNER.email),
    ]);
    expect(unused.rows).toHaveLength(9);
  }, 60_000);

  it('200 parallel wrong codes split across A and B lock the account at the limit, never beyond', async () => {
    await enrolAcrossInstances(STAFF);
    const staffId = await userId(STAFF.email);
    const browsers = await challenges(STAFF, 40);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        browsers[i % 40]!.post(instance(i), '/api/v1/sign-in/verify', { method: 'totp', code: String(100000 + i) }),
      ),
    );
    for (const r of responses) expect([401, 429]).toContain(r.status);
    const failed = await db.query<{ details: string }>(
      `select details from audit_events where event = 'sign_in.failed' and target_user_id = $1`,
      [staffId],
    );
    const evaluated = failed.rows.filter((row) => JSON.parse(row.details).step === 'second_factor');
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.length).toBeLessThanOrEqual(10);
    const counter = (
      await db.query('select failures, locked_until from attempt_counters where key = $1', [`2fa:${staffId}`])
    ).rows[0];
    expect(Number(counter.failures)).toBeLessThanOrEqual(10);
    expect(counter.locked_until).not.toBeNull();
  }, 60_000);

  it('the per-IP failed sign-in limit (20 a minute) counts failures on A and B together, in Redis', async () => {
    // Stay inside one fixed one-minute window.
    if (new Date().getSeconds() > 50) await sleep((61 - new Date().getSeconds()) * 1000);
    const ip = newIp();
    const browser = new Browser(ORIGIN, ip);
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        browser.post(instance(i), '/api/v1/sign-in', { email: 'nobody@multi.test', password: 'not-the-password-123' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(responses.find((r) => r.status === 429)!.json.error.code).toBe('rate_limited');
    // Every request counts against the flood cap; the failures (and no slot left in flight) in the budget.
    const keys = await redis.keys(`${prefix}rate:ip:sign-in:${ip}:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await redis.get(keys[0]!))).toBe(25);
    const budget = await redis.keys(`${prefix}budget:{ip:sign-in-failures:${ip}}:*`);
    expect(budget).toHaveLength(1);
    expect(await redis.hgetall(budget[0]!)).toEqual({ f: '20', p: '0' });
    expect((await db.query('select key from rate_limits where key = $1', [`ip:sign-in:${ip}`])).rows).toEqual([]);
  }, 30_000);

  it("OpenID Connect across instances: each step of an app's sign-in on the other instance, one JWKS, a code redeemed once", async () => {
    // A public app (PKCE), registered in the shared database.
    const clientId = `tfc_${randomToken(16)}`;
    const callback = 'http://rp.test/callback';
    const orgId = (await db.query<{ id: string }>('select id from orgs limit 1')).rows[0]!.id;
    const now = new Date().toISOString();
    await db.query(
      `insert into oidc_clients (id, org_id, name, kind, secret_hash, token_auth_method, redirect_uris, post_logout_redirect_uris, created_by, created_at, updated_at, secret_rotated_at)
       values ($1, $2, 'Shared app', 'public', null, 'none', $3, '[]', null, $4, $4, null)`,
      [clientId, orgId, JSON.stringify([callback]), now],
    );
    // Requests for PUBLIC_URL go to A and B in turn, as behind a load balancer.
    let hop = 0;
    const balance = (url: string): string => {
      const parsed = new URL(url);
      return `${instance(hop++)}${parsed.pathname}${parsed.search}`;
    };
    const options = {
      execute: [oidcClient.allowInsecureRequests],
      [oidcClient.customFetch]: (url: string, init: RequestInit) => fetch(balance(url), init),
    };
    const config = await oidcClient.discovery(
      new URL(`${ORIGIN}/oidc`),
      clientId,
      undefined,
      oidcClient.None(),
      options as never,
    );
    const jwks = await Promise.all(
      [a.url, b.url].map(
        async (base) => (await (await fetch(`${base}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> },
      ),
    );
    expect(jwks[0]!.keys.map((k) => k.kid)).toEqual(['tf-1']);
    expect(jwks[1]).toEqual(jwks[0]);

    const member = { email: 'clerk@multi.test', password: 'walnut-harbor-quartz-58' };
    const added = await runCli(
      ['user', 'add', '--org', 'Multi Co', '--email', member.email, '--role', 'client', '--password-stdin'],
      env,
      `${member.password}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    const browser = new Browser(ORIGIN, newIp());
    expect((await browser.post(a.url, '/api/v1/sign-in', member)).json.status).toBe('signed_in');
    const verifier = oidcClient.randomPKCECodeVerifier();
    const state = oidcClient.randomState();
    const authUrl = oidcClient.buildAuthorizationUrl(config, {
      redirect_uri: callback,
      scope: 'openid email',
      state,
      code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    /** Follows redirects and the continuing page, each request on the next instance; stops at the app. */
    const go = async (url: string, form?: Record<string, string>): Promise<{ url: string; body: string }> => {
      let next = url;
      let body = form ? new URLSearchParams(form).toString() : undefined;
      for (let i = 0; i < 12; i++) {
        if (next.startsWith(callback)) return { url: next, body: '' };
        const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const response = await fetch(balance(next), {
          method: body ? 'POST' : 'GET',
          redirect: 'manual',
          headers: {
            cookie,
            origin: ORIGIN,
            'x-forwarded-for': '10.250.0.1',
            ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(body ? { body } : {}),
        });
        for (const c of response.headers.getSetCookie()) {
          const [pair = ''] = c.split(';');
          const at = pair.indexOf('=');
          if (pair.slice(at + 1)) browser.cookies.set(pair.slice(0, at), pair.slice(at + 1));
          else browser.cookies.delete(pair.slice(0, at));
        }
        body = undefined;
        const text = await response.text();
        const location = response.headers.get('location');
        const refresh = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(text);
        if (location) next = new URL(location, ORIGIN).toString();
        else if (refresh) next = refresh[1]!.replace(/&amp;/g, '&');
        else return { url: next, body: text };
      }
      throw new Error('too many hops');
    };
    const consent = await go(authUrl.toString());
    expect(consent.body).toContain('Allow Shared app to sign you in?');
    const action = /<form method="post" action="(\/authorize\/[^"]+\/consent)"/.exec(consent.body)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(consent.body)![1]!;
    const back = await go(`${ORIGIN}${action}`, { _csrf: csrf });
    expect(back.url.startsWith(callback)).toBe(true);

    const redeem = () =>
      oidcClient.authorizationCodeGrant(config, new URL(back.url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
    const results = await Promise.allSettled([redeem(), redeem(), redeem(), redeem()]);
    const ok = results.filter(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof redeem>>> => r.status === 'fulfilled',
    );
    expect(ok).toHaveLength(1);
    const claims = ok[0]!.value.claims()!;
    expect(claims.email).toBe(member.email);
    expect(claims.acr).toBe('urn:twofold:aal1');
    expect(claims.amr).toEqual(['pwd']);
  }, 60_000);

  it('both instances are ready (database and Redis answer)', async () => {
    for (const base of [a.url, b.url]) expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('both logs are JSON lines with request ids, and carry no password, key, seed or backup code', () => {
    const lines = [...a.lines, ...b.lines];
    const requests = lines
      .map((line) => JSON.parse(line) as { reqId?: string; msg: string })
      .filter((l) => l.msg === 'incoming request');
    expect(requests.length).toBeGreaterThan(300);
    expect(new Set(requests.map((l) => l.reqId)).size).toBe(requests.length);
    const secrets = [OWNER.password, STAFF.password, env.TWOFOLD_SECRET_KEY!, secret, ...backupCodes];
    for (const value of secrets) expect(lines.filter((line) => line.includes(value))).toEqual([]);
  });
});
