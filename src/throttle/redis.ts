/**
 * Request-rate limits in Redis: one key per limit key and fixed window (`<prefix>rate:<key>:<window start>`),
 * incremented and given its expiry by one Lua script, so the count and the TTL are set atomically.
 * Failure budgets: one hash per key and window (`<prefix>budget:{<key>}:<window start>`, fields `f` for
 * confirmed failures and `p` for slots in flight), changed only by Lua scripts. The braces keep a key's
 * windows in one Redis Cluster slot, as the settle script touches two of them.
 */
import { Redis } from 'ioredis';
import { REDIS } from '../config/defaults.ts';
import { decideBudget } from '../core/attempts.ts';
import { fixedWindow, type RateLimiter } from './rate-limiter.ts';

/** INCR, and on the first hit of a window PEXPIRE: the key lives two windows (room for clock skew). */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

/** Takes a slot while f + p < limit; answers {taken, f, p}. The key lives two windows from its first slot. */
const RESERVE_SCRIPT = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local p = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
if f + p >= tonumber(ARGV[1]) then return {0, f, p} end
redis.call('HINCRBY', KEYS[1], 'p', 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, f, p + 1}
`;

/** Gives back the slot in KEYS[1] (its window); a failure (ARGV[1] = 1) is counted in KEYS[2] (the current window). */
const SETTLE_SCRIPT = `
local p = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
if p > 0 then redis.call('HINCRBY', KEYS[1], 'p', -1) end
if ARGV[1] == '1' then
  redis.call('HINCRBY', KEYS[2], 'f', 1)
  if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
end
return p
`;

/** A client that fails fast while disconnected (no offline queue) and reconnects in the background. */
export function openRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS.connectTimeoutMs,
    commandTimeout: REDIS.commandTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(attempt * REDIS.reconnectStepMs, REDIS.maxReconnectDelayMs),
  });
  // Connection errors surface as failed commands (then the fallback) and in /readyz; never as a crash.
  redis.on('error', () => {});
  return redis;
}

export function redisRateLimiter(redis: Redis, prefix: string): RateLimiter {
  const budgetKey = (key: string, startMs: number): string => `${prefix}budget:{${key}}:${startMs}`;
  return {
    store: 'redis',
    async hit(key, limit, windowSeconds, now) {
      const { startMs, retryAfterSeconds } = fixedWindow(now, windowSeconds);
      const count = Number(
        await redis.eval(HIT_SCRIPT, 1, `${prefix}rate:${key}:${startMs}`, String(2 * windowSeconds * 1000)),
      );
      return { allowed: count <= limit, count, retryAfterSeconds };
    },
    async reserve(key, limit, windowSeconds, now) {
      const { startMs, retryAfterSeconds } = fixedWindow(now, windowSeconds);
      const [taken, failures, inFlight] = (await redis.eval(
        RESERVE_SCRIPT,
        1,
        budgetKey(key, startMs),
        String(limit),
        String(2 * windowSeconds * 1000),
      )) as number[];
      if (Number(taken) === 1)
        return { status: 'reserved', slot: { key, windowSeconds, reservedAt: now, store: 'redis' } };
      const decision = decideBudget(limit, Number(failures), Number(inFlight));
      return decision === 'refused'
        ? { status: 'refused', retryAfterSeconds }
        : { status: 'busy', retryAfterSeconds: 1 };
    },
    async settle(slot, failed, now) {
      const reserved = fixedWindow(slot.reservedAt, slot.windowSeconds).startMs;
      const current = fixedWindow(now, slot.windowSeconds).startMs;
      await redis.eval(
        SETTLE_SCRIPT,
        2,
        budgetKey(slot.key, reserved),
        budgetKey(slot.key, current),
        failed ? '1' : '0',
        String(2 * slot.windowSeconds * 1000),
      );
    },
    async ping() {
      if (redis.status !== 'ready') return false;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

interface StateLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * One log line per Redis transition (not one per failed reconnect): down (with the fallback in use), up again.
 * Down counts from the start too: a Redis that is already away when the instance starts is reported at once
 * if its first connection attempt has failed already, else when that attempt fails.
 */
export function logRedisState(redis: Redis, log: StateLog): void {
  const down = (): void => log.warn({ redis: 'down' }, 'redis is unreachable: rate limits fall back to the database');
  // 'wait' / 'connecting' / 'connect': the first attempt is still under way.
  let state: 'unknown' | 'up' | 'down' =
    redis.status === 'ready' ? 'up' : ['wait', 'connecting', 'connect'].includes(redis.status) ? 'unknown' : 'down';
  if (state === 'down') down();
  redis.on('ready', () => {
    if (state === 'down') log.info({ redis: 'up' }, 'redis is reachable: rate limits are shared through redis');
    state = 'up';
  });
  redis.on('close', () => {
    if (state !== 'down') down();
    state = 'down';
  });
}
