/**
 * Single-use secrets and guessing limits under real parallel HTTP requests: a TOTP code, a backup code and
 * wrong-code floods, each against challenges of one account.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, OWNER, ORIGIN, setUpOwner, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt, enrolTotp } from '../helpers/two-factor.ts';
import { createChallenge } from '../../src/sessions/challenge.ts';

describe.each(DIALECTS)('parallel second-step attempts (%s)', (dialect) => {
  let t: TestApp;
  let base: string;
  let userId: string;
  let secret: string;
  let backupCodes: string[];

  beforeEach(async () => {
    t = await createTestApp(dialect);
    const setup = await setUpOwner(t);
    userId = setup.ownerId;
    ({ secret, backupCodes } = await enrolTotp(t, setup.owner, OWNER.password));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await t.close();
  });

  /** One challenge per request, as 50 browsers that all passed the password would hold. */
  async function challengeTokens(count: number): Promise<string[]> {
    const tokens: string[] = [];
    for (let i = 0; i < count; i += 1) tokens.push((await createChallenge(t.ctx, userId)).token);
    return tokens;
  }

  function verify(challengeToken: string, body: unknown): Promise<Response> {
    return fetch(`${base}/api/v1/sign-in/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: `tf_challenge=${challengeToken}` },
      body: JSON.stringify(body),
    });
  }

  it('50 parallel uses of one TOTP code: exactly one succeeds', async () => {
    const code = codeAt(secret, t.clock.now());
    const responses = await Promise.all(
      (await challengeTokens(50)).map((token) => verify(token, { method: 'totp', code })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 401 && s !== 429)).toEqual([]);
  });

  it('50 parallel uses of one backup code: exactly one succeeds', async () => {
    const code = backupCodes[3]!;
    const responses = await Promise.all(
      (await challengeTokens(50)).map((token) => verify(token, { method: 'backup_code', code })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    const left = await t.ctx.db.kysely
      .selectFrom('backup_codes')
      .select('id')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    expect(left).toHaveLength(9);
  });

  it('200 parallel wrong codes are never evaluated beyond the limit; the account locks; the right code is then refused', async () => {
    const tokens = await challengeTokens(40);
    const requests = Array.from({ length: 200 }, (_, i) =>
      verify(tokens[i % 40]!, { method: 'totp', code: String(100000 + i) }),
    );
    const responses = await Promise.all(requests);
    for (const r of responses) expect([401, 429]).toContain(r.status);
    const evaluated = await t.ctx.db.kysely
      .selectFrom('audit_events')
      .select('details')
      .where('event', '=', 'sign_in.failed')
      .execute();
    const secondStepFailures = evaluated.filter((e) => JSON.parse(e.details).step === 'second_factor');
    expect(secondStepFailures.length).toBeLessThanOrEqual(10);
    expect(secondStepFailures.length).toBeGreaterThan(0);
    const counter = await t.ctx.db.kysely
      .selectFrom('attempt_counters')
      .selectAll()
      .where('key', '=', `2fa:${userId}`)
      .executeTakeFirstOrThrow();
    expect(Number(counter.failures)).toBeLessThanOrEqual(10);
    expect(counter.locked_until).not.toBeNull();
    const [fresh] = await challengeTokens(1);
    const right = await verify(fresh!, { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(right.status).toBe(429);
    expect(((await right.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
  });

  it('a client without a challenge gets challenge_expired, never a session', async () => {
    const client = new Client(t.app);
    const r = await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(secret, t.clock.now()) });
    expect(r.json().error.code).toBe('challenge_expired');
    expect(client.cookie('tf_session')).toBeUndefined();
  });
});
