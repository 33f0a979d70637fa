/**
 * Request-rate limits in Redis (the real server at TEST_REDIS_URL, default 127.0.0.1:6379, under a random
 * key prefix): fixed windows shared by every client, keys that expire — and, with Redis unreachable, the
 * database limiter counting instead (fail-safe: the limit holds, requests keep working).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openRedis, redisRateLimiter } from '../../src/throttle/redis.ts';
import { dbRateLimiter, withFallback } from '../../src/throttle/rate-limiter.ts';
import { openDatabase, migrate, type Db } from '../../src/db/connect.ts';
import { randomToken } from '../../src/crypto/index.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-11-24T12:00:10.000Z');
const MINUTE = 60;

async function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    setTimeout(() => reject(new Error(`Redis at ${REDIS_URL} is not reachable`)), 5000);
  });
}

describe('Redis rate limiter', () => {
  const prefix = `twofold-test-${randomToken(6)}:`;
  let first: Redis;
  let second: Redis;
  let inspect: Redis;

  beforeAll(async () => {
    [first, second, inspect] = [openRedis(REDIS_URL), openRedis(REDIS_URL), new Redis(REDIS_URL)];
    await Promise.all([connected(first), connected(second)]);
  });
  afterAll(async () => {
    const keys = await inspect.keys(`${prefix}*`);
    if (keys.length > 0) await inspect.del(...keys);
    first.disconnect();
    second.disconnect();
    inspect.disconnect();
  });

  it('counts a fixed window across clients (two instances share one count) and refuses past the limit', async () => {
    const a = redisRateLimiter(first, prefix);
    const b = redisRateLimiter(second, prefix);
    const results = [];
    for (let i = 0; i < 6; i += 1)
      results.push(await (i % 2 === 0 ? a : b).hit('ip:sign-in:203.0.113.9', 5, MINUTE, NOW));
    expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
    // 12:00:10 in a one-minute window: the next window starts in 50 s.
    expect(results[5]!.retryAfterSeconds).toBe(50);
  });

  it('starts a new count in the next window, and each window key expires on its own', async () => {
    const limiter = redisRateLimiter(first, prefix);
    await limiter.hit('ip:reset:198.51.100.1', 1, MINUTE, NOW);
    expect((await limiter.hit('ip:reset:198.51.100.1', 1, MINUTE, NOW)).allowed).toBe(false);
    const next = await limiter.hit('ip:reset:198.51.100.1', 1, MINUTE, new Date(NOW.getTime() + MINUTE * 1000));
    expect(next).toMatchObject({ allowed: true, count: 1 });
    const keys = await inspect.keys(`${prefix}rate:ip:reset:*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const ttl = await inspect.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2 * MINUTE * 1000);
    }
  });

  it('answers the readiness ping', async () => {
    expect(await redisRateLimiter(first, prefix).ping()).toBe(true);
  });
});

describe('Redis unreachable: the database limiter takes over', () => {
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-limiter-'));
    db = openDatabase(`sqlite:${path.join(dir, 'test.db')}`);
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps counting (and refusing past the limit) in the database, fast, and reports not ready', async () => {
    const dead = openRedis('redis://127.0.0.1:1');
    const fallbacks: unknown[] = [];
    const limiter = withFallback(redisRateLimiter(dead, 'twofold-test:'), dbRateLimiter(db), (error) =>
      fallbacks.push(error),
    );
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await limiter.hit('ip:sign-in:192.0.2.7', 3, MINUTE, NOW));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(fallbacks).toHaveLength(4);
    const row = await db.kysely
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', 'ip:sign-in:192.0.2.7')
      .executeTakeFirst();
    expect(Number(row?.count)).toBe(4);
    expect(await limiter.ping()).toBe(false);
    await limiter.close();
  });
});
