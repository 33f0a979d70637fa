/**
 * The rate limiter's failure budgets (reserve / settle), with the same contract in the database (SQLite
 * and PostgreSQL) and in Redis (the real server at TEST_REDIS_URL): slots while failures + slots are under
 * the limit, "busy" while slots hold the rest, "refused" once failures fill it, a right attempt giving its
 * slot back, a failure settled after its window counted in the current one — and, with Redis unreachable,
 * the database taking over for both steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openRedis, redisRateLimiter } from '../../src/throttle/redis.ts';
import { dbRateLimiter, withFallback, type BudgetSlot, type RateLimiter } from '../../src/throttle/rate-limiter.ts';
import { randomToken } from '../../src/crypto/index.ts';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-11-24T12:00:10.000Z');
const LATER = new Date('2026-11-24T12:00:20.000Z');
const NEXT_WINDOW = new Date('2026-11-24T12:01:05.000Z');
const MINUTE = 60;

async function slots(limiter: RateLimiter, key: string, count: number, now = NOW): Promise<BudgetSlot[]> {
  const taken: BudgetSlot[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = await limiter.reserve(key, 3, MINUTE, now);
    if (r.status !== 'reserved') throw new Error(`slot ${i}: ${r.status}`);
    taken.push(r.slot);
  }
  return taken;
}

/** The contract, for one limiter (or two limiters over the same store, as two instances). */
function contract(name: string, limiters: () => [RateLimiter, RateLimiter]): void {
  describe(name, () => {
    it('takes slots up to the limit, then is busy; a right attempt gives its slot back', async () => {
      const [a, b] = limiters();
      const key = `ip:test:${randomToken(6)}`;
      const taken = await slots(a, key, 2);
      taken.push(...(await slots(b, key, 1)));
      expect(await a.reserve(key, 3, MINUTE, NOW)).toEqual({ status: 'busy', retryAfterSeconds: 1 });
      await b.settle(taken[0]!, false, LATER);
      expect((await a.reserve(key, 3, MINUTE, LATER)).status).toBe('reserved');
    });

    it('failures stay counted: busy while slots are out, refused once failures fill the budget (until the next window)', async () => {
      const [a, b] = limiters();
      const key = `ip:test:${randomToken(6)}`;
      const taken = await slots(a, key, 3);
      await a.settle(taken[0]!, true, LATER);
      await b.settle(taken[1]!, true, LATER);
      expect((await a.reserve(key, 3, MINUTE, LATER)).status).toBe('busy');
      await a.settle(taken[2]!, true, LATER);
      // 12:00:20 in a one-minute window: the next one starts in 40 s.
      expect(await b.reserve(key, 3, MINUTE, LATER)).toEqual({ status: 'refused', retryAfterSeconds: 40 });
      expect((await b.reserve(key, 3, MINUTE, NEXT_WINDOW)).status).toBe('reserved');
    });

    it('a failure settled after its window has passed counts in the current window', async () => {
      const [a] = limiters();
      const key = `ip:test:${randomToken(6)}`;
      const [late] = await slots(a, key, 1);
      const [current] = await slots(a, key, 1, NEXT_WINDOW);
      await a.settle(late!, true, NEXT_WINDOW);
      await a.settle(current!, true, NEXT_WINDOW);
      const third = await a.reserve(key, 3, MINUTE, NEXT_WINDOW);
      expect(third.status).toBe('reserved');
      if (third.status === 'reserved') await a.settle(third.slot, true, NEXT_WINDOW);
      expect((await a.reserve(key, 3, MINUTE, NEXT_WINDOW)).status).toBe('refused');
    });
  });
}

describe.each(DIALECTS)('failure budgets in the database (%s)', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(dialect);
  });
  afterAll(async () => {
    await testDb.close();
  });
  contract('two instances', () => [dbRateLimiter(testDb.db), dbRateLimiter(testDb.db)]);
});

describe('failure budgets in Redis', () => {
  const prefix = `twofold-test-${randomToken(6)}:`;
  let first: Redis;
  let second: Redis;
  let inspect: Redis;
  beforeAll(async () => {
    [first, second, inspect] = [openRedis(REDIS_URL), openRedis(REDIS_URL), new Redis(REDIS_URL)];
    await Promise.all(
      [first, second].map((r) =>
        r.status === 'ready' ? undefined : new Promise((resolve) => r.once('ready', resolve)),
      ),
    );
  });
  afterAll(async () => {
    const keys = await inspect.keys(`${prefix}*`);
    if (keys.length > 0) await inspect.del(...keys);
    for (const r of [first, second, inspect]) r.disconnect();
  });
  contract('two instances', () => [redisRateLimiter(first, prefix), redisRateLimiter(second, prefix)]);

  it('each window of a key is one hash that expires', async () => {
    const limiter = redisRateLimiter(first, prefix);
    await slots(limiter, 'ip:sign-in-failures:203.0.113.9', 1);
    const keys = await inspect.keys(`${prefix}budget:*`);
    expect(keys).toContain(
      `${prefix}budget:{ip:sign-in-failures:203.0.113.9}:${Date.parse('2026-11-24T12:00:00.000Z')}`,
    );
    for (const key of keys) {
      expect(await inspect.pttl(key)).toBeGreaterThan(0);
      expect(await inspect.pttl(key)).toBeLessThanOrEqual(2 * MINUTE * 1000);
    }
  });
});

describe('failure budgets with Redis unreachable', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(async () => {
    await testDb.close();
  });

  it('reserve and settle both fall back to the database, and the budget holds', async () => {
    const dead = openRedis('redis://127.0.0.1:1');
    const fallbacks: unknown[] = [];
    const limiter = withFallback(redisRateLimiter(dead, 'twofold-test:'), dbRateLimiter(testDb.db), (error) =>
      fallbacks.push(error),
    );
    const taken = await slots(limiter, 'ip:sign-in-failures:192.0.2.7', 3);
    expect(taken.map((s) => s.store)).toEqual(['database', 'database', 'database']);
    expect((await limiter.reserve('ip:sign-in-failures:192.0.2.7', 3, MINUTE, NOW)).status).toBe('busy');
    for (const slot of taken) await limiter.settle(slot, true, LATER);
    expect((await limiter.reserve('ip:sign-in-failures:192.0.2.7', 3, MINUTE, LATER)).status).toBe('refused');
    const row = await testDb.db.kysely
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', 'ip:sign-in-failures:192.0.2.7')
      .executeTakeFirstOrThrow();
    expect([Number(row.count), Number(row.in_flight)]).toEqual([3, 0]);
    expect(fallbacks.length).toBeGreaterThanOrEqual(5);
    await limiter.close();
  });

  it('a slot taken in Redis whose settle fails is still counted as a failure in the database', async () => {
    const dead = openRedis('redis://127.0.0.1:1');
    const limiter = withFallback(redisRateLimiter(dead, 'twofold-test:'), dbRateLimiter(testDb.db));
    await limiter.settle(
      { key: 'ip:sign-in-failures:192.0.2.8', windowSeconds: MINUTE, reservedAt: NOW, store: 'redis' },
      true,
      LATER,
    );
    const row = await testDb.db.kysely
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', 'ip:sign-in-failures:192.0.2.8')
      .executeTakeFirstOrThrow();
    expect([Number(row.count), Number(row.in_flight)]).toEqual([1, 0]);
    await limiter.close();
  });
});
