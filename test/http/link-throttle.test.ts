/**
 * Every endpoint that takes a link token or bearer secret from an anonymous caller is rate limited per
 * client IP (docs/security.md "Guessing limits"): the N+1th request from one address answers 429 with
 * Retry-After — JSON for the API, a page saying so for the browser — while another address goes on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, lastEmailTo, OWNER, setUpOwner, tokenFromLink, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { enrolTotp } from '../helpers/two-factor.ts';
import { METRICS, RATE_LIMITS } from '../../src/config/defaults.ts';

const BOGUS = 'bogus-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';

interface Target {
  readonly name: string;
  readonly limit: number;
  send(client: Client, csrf: string): Promise<LightMyRequestResponse>;
  readonly page: boolean;
}

const TARGETS: readonly Target[] = [
  {
    name: 'POST /api/v1/recovery/confirm',
    limit: RATE_LIMITS.recoveryLink.limit,
    page: false,
    send: (c) => c.post('/api/v1/recovery/confirm', { token: BOGUS }),
  },
  {
    name: 'POST /api/v1/recovery/cancel',
    limit: RATE_LIMITS.recoveryLink.limit,
    page: false,
    send: (c) => c.post('/api/v1/recovery/cancel', { token: BOGUS }),
  },
  {
    name: 'POST /recovery/confirm',
    limit: RATE_LIMITS.recoveryLink.limit,
    page: true,
    send: (c, csrf) => c.postForm('/recovery/confirm', { _csrf: csrf, token: BOGUS }),
  },
  {
    name: 'POST /recovery/cancel',
    limit: RATE_LIMITS.recoveryLink.limit,
    page: true,
    send: (c, csrf) => c.postForm('/recovery/cancel', { _csrf: csrf, token: BOGUS }),
  },
  {
    name: 'POST /api/v1/password-reset/confirm',
    limit: RATE_LIMITS.passwordReset.limit,
    page: false,
    send: (c) => c.post('/api/v1/password-reset/confirm', { token: BOGUS, password: 'quiet-meadow-copper-81' }),
  },
  {
    name: 'POST /reset-password',
    limit: RATE_LIMITS.passwordReset.limit,
    page: true,
    send: (c, csrf) => c.postForm('/reset-password', { _csrf: csrf, token: BOGUS, password: 'quiet-meadow-copper-81' }),
  },
  {
    name: 'GET /reset-password',
    limit: RATE_LIMITS.linkView.limit,
    page: true,
    send: (c) => c.get(`/reset-password?token=${BOGUS}`),
  },
  {
    name: 'POST /api/v1/invitations/accept',
    limit: RATE_LIMITS.invitation.limit,
    page: false,
    send: (c) => c.post('/api/v1/invitations/accept', { token: BOGUS, password: 'quiet-meadow-copper-81' }),
  },
  {
    name: 'POST /invitations/accept',
    limit: RATE_LIMITS.invitation.limit,
    page: true,
    send: (c, csrf) =>
      c.postForm('/invitations/accept', { _csrf: csrf, token: BOGUS, password: 'quiet-meadow-copper-81' }),
  },
  {
    name: 'GET /invitations/accept',
    limit: RATE_LIMITS.linkView.limit,
    page: true,
    send: (c) => c.get(`/invitations/accept?token=${BOGUS}`),
  },
  {
    name: 'GET /metrics (wrong token)',
    limit: METRICS.failuresPerIp.limit,
    page: false,
    send: (c) => c.request('GET', '/metrics', undefined, { authorization: 'Bearer not-the-metrics-token' }),
  },
];

describe.each(DIALECTS)('link tokens and bearer secrets are throttled per IP (%s)', (dialect) => {
  let t: TestApp;
  let owner: Client;
  beforeEach(async () => {
    t = await createTestApp(dialect, { env: { METRICS_TOKEN } });
    ({ owner } = await setUpOwner(t));
  });
  afterEach(async () => {
    await t.close();
  });

  async function csrfOf(client: Client): Promise<string> {
    const page = await client.get('/sign-in');
    return /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  }

  it.each(TARGETS.map((target, i) => [target.name, target, i] as const))(
    '%s: the N+1th request from one address is 429 with Retry-After',
    async (_name, target, i) => {
      const client = new Client(t.app, `203.0.113.${10 + i}`);
      const csrf = await csrfOf(client);
      for (let n = 0; n < target.limit; n += 1) {
        const r = await target.send(client, csrf);
        expect(r.statusCode, `${target.name} #${n + 1}`).not.toBe(429);
        expect(r.statusCode).toBeLessThan(500);
      }
      const over = await target.send(client, csrf);
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      if (target.page) {
        expect(over.headers['content-type']).toContain('text/html');
        expect(over.body).toMatch(/Too many/);
      } else {
        expect(over.json().error.code).toBe('rate_limited');
      }
      const other = new Client(t.app, '203.0.113.200');
      expect((await target.send(other, await csrfOf(other))).statusCode).not.toBe(429);
    },
  );

  it('recovery confirm and cancel share one budget across JSON and pages, counted before the token is looked up', async () => {
    await enrolTotp(t, owner, OWNER.password);
    const challenged = new Client(t.app, '10.9.9.9');
    await challenged.post('/api/v1/sign-in', { email: OWNER.email, password: OWNER.password });
    expect((await challenged.post('/api/v1/recovery')).statusCode).toBe(202);
    const token = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/recovery/confirm');

    const guesser = new Client(t.app, '203.0.113.99');
    const csrf = await csrfOf(guesser);
    const half = RATE_LIMITS.recoveryLink.limit / 2;
    for (let n = 0; n < half; n += 1)
      expect((await guesser.post('/api/v1/recovery/confirm', { token: BOGUS })).statusCode).toBe(400);
    for (let n = 0; n < RATE_LIMITS.recoveryLink.limit - half; n += 1)
      expect((await guesser.postForm('/recovery/cancel', { _csrf: csrf, token: BOGUS })).statusCode).toBe(400);
    // Even the right token is refused from that address now, and the page says when to come back.
    const page = await guesser.postForm('/recovery/confirm', { _csrf: csrf, token });
    expect(page.statusCode).toBe(429);
    expect(page.headers['retry-after']).toBeDefined();
    expect(page.body).toMatch(/Too many recovery links were opened from your network\. Try again in \d+ minutes?\./);
    expect((await t.ctx.db.kysely.selectFrom('recoveries').select('status').executeTakeFirstOrThrow()).status).toBe(
      'emailed',
    );
    // The window passes: the link works.
    t.clock.advanceSeconds(RATE_LIMITS.recoveryLink.windowSeconds);
    expect((await guesser.post('/api/v1/recovery/confirm', { token })).statusCode).toBe(200);
  });

  it('over the limit, the reset page answers the same for a live and a dead token (no oracle)', async () => {
    await new Client(t.app, '10.9.9.8').post('/api/v1/password-reset', { email: OWNER.email });
    const live = tokenFromLink((await lastEmailTo(t, OWNER.email)).text, '/reset-password');
    const guesser = new Client(t.app, '203.0.113.98');
    const csrf = await csrfOf(guesser);
    for (let n = 0; n < RATE_LIMITS.passwordReset.limit; n += 1)
      await guesser.postForm('/reset-password', { _csrf: csrf, token: BOGUS, password: 'x' });
    const strip = (body: string): string => body.replace(/value="[^"]*"/g, '');
    const dead = await guesser.postForm('/reset-password', {
      _csrf: csrf,
      token: BOGUS,
      password: 'quiet-meadow-copper-81',
    });
    const alive = await guesser.postForm('/reset-password', {
      _csrf: csrf,
      token: live,
      password: 'quiet-meadow-copper-81',
    });
    expect(dead.statusCode).toBe(429);
    expect(alive.statusCode).toBe(429);
    expect(strip(alive.body)).toBe(strip(dead.body));
    expect(alive.body).not.toContain('New password');
    for (let n = 0; n < RATE_LIMITS.linkView.limit; n += 1) await guesser.get(`/reset-password?token=${BOGUS}`);
    const shown = await guesser.get(`/reset-password?token=${live}`);
    expect(shown.statusCode).toBe(429);
    expect(shown.body).not.toContain('New password');
  });
});
