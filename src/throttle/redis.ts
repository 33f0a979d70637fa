/**
 * Request-rate limits in Redis: one key per limit key and fixed window (`<prefix>rate:<key>:<window start>`),
 * incremented and given its expiry by one Lua script, so the count and the TTL are set atomically.
 */
import { Redis } from 'ioredis';
import { REDIS } from '../config/defaults.ts';
import { fixedWindow, type RateLimiter } from './rate-limiter.ts';

/** INCR, and on the first hit of a window PEXPIRE: the key lives two windows (room for clock skew). */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
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
  return {
    store: 'redis',
    async hit(key, limit, windowSeconds, now) {
      const { startMs, retryAfterSeconds } = fixedWindow(now, windowSeconds);
      const count = Number(await redis.eval(HIT_SCRIPT, 1, `${prefix}rate:${key}:${startMs}`, String(2 * windowSeconds * 1000)));
      return { allowed: count <= limit, count, retryAfterSeconds };
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
  let state: 'unknown' | 'up' | 'down' = redis.status === 'ready' ? 'up' : ['wait', 'connecting', 'connect'].includes(redis.status) ? 'unknown' : 'down';
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
