/**
 * What operators see: Prometheus /metrics (off by default; a bearer token compared in constant time;
 * sign-in, second-factor, lockout and mail counters; latency by route), request ids in every log line and
 * echoed in X-Request-Id, and /readyz reporting the database and Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ConfigError, resolveConfig } from '../../src/config/index.ts';
import { ephemeralKeyring } from '../../src/crypto/keyring.ts';
import { createMailQueue } from '../../src/mail/queue.ts';
import { outboxTransport } from '../../src/mail/transport.ts';
import { dbRateLimiter, type RateLimiter } from '../../src/throttle/rate-limiter.ts';
import { Client, createTestApp, OWNER, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { openTestDb } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp('sqlite', { env });
  cleanups.push(() => t.close());
  return t;
}

/** The value of one sample line, e.g. `twofold_sign_ins_total{outcome="succeeded"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics', () => {
  it('does not exist unless METRICS_TOKEN is set', async () => {
    const t = await app();
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('needs the bearer token', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`]) {
      const response = await t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('unauthenticated');
      expect(response.body).not.toContain('twofold_');
    }
  });

  it('counts sign-ins by outcome, second factors by method, lockouts, mail, and request latency by route', async () => {
    const t = await app({ METRICS_TOKEN: TOKEN });
    const scrape = async (): Promise<string> => {
      const response = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      return response.body;
    };
    const { owner } = await setUpOwner(t);
    const { secret } = await enrolTotp(t, owner, OWNER.password);
    const before = await scrape();
    const browser = new Client(t.app, '198.51.100.20');
    expect(
      (await browser.post('/api/v1/sign-in', { email: OWNER.email, password: 'wrong-password-42' })).statusCode,
    ).toBe(401);
    expect(
      (await browser.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status,
    ).toBe('second_factor_required');
    expect(
      (await browser.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) }))
        .statusCode,
    ).toBe(200);
    // Two challenges of five wrong codes each: ten in a row lock the second step.
    for (let challenge = 0; challenge < 2; challenge += 1) {
      browser.clearCookies();
      expect(
        (await browser.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password })).json().status,
      ).toBe('second_factor_required');
      for (let i = 0; i < 5; i += 1)
        expect((await browser.post('/api/v1/sign-in/verify', { method: 'totp', code: '000000' })).statusCode).toBe(401);
    }
    const after = await scrape();
    const delta = (series: string): number => sample(after, series) - sample(before, series);
    expect(delta('twofold_sign_ins_total{outcome="failed"}')).toBe(1);
    expect(delta('twofold_sign_ins_total{outcome="succeeded"}')).toBe(1);
    expect(delta('twofold_second_factor_total{method="totp",outcome="succeeded"}')).toBe(1);
    expect(delta('twofold_second_factor_total{method="totp",outcome="failed"}')).toBe(10);
    expect(delta('twofold_lockouts_total{step="second_factor"}')).toBe(1);
    // The lock email, at least.
    expect(delta('twofold_mail_deliveries_total{transport="outbox",outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain(
      'twofold_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/api/v1/sign-in",status_code="401"}',
    );
    expect(after).toContain('route="/api/v1/me/factors/totp/confirm"');
    expect(after).toContain('twofold_process_resident_memory_bytes');
    // Labels carry no addresses, emails or codes.
    expect(after).not.toContain('198.51.100.20');
    expect(after).not.toContain(OWNER.email);
  });

  it('refuses a METRICS_TOKEN shorter than 32 characters, naming the setting', () => {
    expect(() => resolveConfig({ METRICS_TOKEN: 'short-token' })).toThrow(ConfigError);
    expect(() => resolveConfig({ METRICS_TOKEN: 'x'.repeat(31) })).toThrow(/METRICS_TOKEN/);
    expect(() => resolveConfig({ METRICS_TOKEN: `${'x'.repeat(32)} y` })).toThrow(/METRICS_TOKEN/);
    expect(resolveConfig({ METRICS_TOKEN: 'x'.repeat(32) }).metricsToken).toBe('x'.repeat(32));
    expect(resolveConfig({}).metricsToken).toBeNull();
  });
});

describe('request ids', () => {
  it('gives every request a random id, echoes it in X-Request-Id and logs it; an incoming id is not trusted', async () => {
    const t = await app();
    const first = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'attacker-chosen' } });
    const second = await t.app.inject({ url: '/api/v1/session' });
    const ids = [first.headers['x-request-id'], second.headers['x-request-id']];
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).not.toBe('attacker-chosen');
    const lines = t.logs.map((line) => JSON.parse(line) as { reqId?: string; msg: string });
    expect(lines.filter((l) => l.reqId === ids[1]).map((l) => l.msg)).toEqual([
      'incoming request',
      'request completed',
    ]);
    // Router errors (a malformed escape) carry one too.
    expect((await t.app.inject({ url: '/api/v1/me/sessions/%E0%A4%A' })).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });
});

describe('/readyz', () => {
  async function appWith(rateLimiter: (db: Parameters<typeof dbRateLimiter>[0]) => RateLimiter) {
    const testDb = await openTestDb('sqlite');
    const config = resolveConfig({ PUBLIC_URL: ORIGIN, DATA_DIR: '/nonexistent' });
    const instance = await buildApp(config, {
      db: testDb.db,
      keyring: ephemeralKeyring(),
      clock: () => new Date(),
      mail: createMailQueue(testDb.db, outboxTransport()),
      rateLimiter: rateLimiter(testDb.db),
    });
    cleanups.push(async () => {
      await instance.close();
      await testDb.close();
    });
    return { instance, testDb };
  }

  it('is ready when the database answers (and the rate-limit store, when it is Redis)', async () => {
    const { instance } = await appWith(dbRateLimiter);
    const response = await instance.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('answers 503 unavailable while Redis does not answer', async () => {
    const { instance } = await appWith((db) => ({ ...dbRateLimiter(db), store: 'redis', ping: async () => false }));
    const response = await instance.inject({ url: '/readyz', headers: { cookie: 'tf_session=whatever' } });
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'unavailable', message: 'Redis does not answer.' });
  });

  it('answers 503 unavailable while the database does not answer', async () => {
    const { instance, testDb } = await appWith(dbRateLimiter);
    await testDb.db.close();
    const response = await instance.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('unavailable');
  });
});
