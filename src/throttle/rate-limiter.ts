/**
 * The request-rate limiter port: fixed windows per key (client IP and purpose), shared by every instance.
 * The database implements it always; Redis implements it when REDIS_URL is set, with the database as the
 * fallback while Redis is away — a request-rate limit keeps being enforced, and sign-in keeps working
 * (docs/deployment.md "What happens when a dependency is down"). Per-account attempt counters are
 * security state and stay in the database (src/throttle/store.ts).
 */
import type { Db } from '../db/connect.ts';
import { hitRateLimit, type RateLimitResult } from './store.ts';
import { reserveBudgetSlot, settleBudgetSlot } from './budget-store.ts';

export type { RateLimitResult };

/** An in-flight slot of a failure budget, and the store that holds it. */
export interface BudgetSlot {
  readonly key: string;
  readonly windowSeconds: number;
  readonly reservedAt: Date;
  readonly store: 'database' | 'redis';
}

export type BudgetReservation =
  | { readonly status: 'reserved'; readonly slot: BudgetSlot }
  /** `busy`: the budget's remaining room is held by attempts being checked — ask again when one ends. */
  | { readonly status: 'busy' | 'refused'; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Where the counts live: 'database' or 'redis'. */
  readonly store: 'database' | 'redis';
  /** Counts one request against `key` in the fixed window that contains `now`. */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<RateLimitResult>;
  /**
   * A failure budget: takes an in-flight slot while confirmed failures + slots stay under `limit` in the
   * fixed window that contains `now` (src/core/attempts.ts decideBudget).
   */
  reserve(key: string, limit: number, windowSeconds: number, now: Date): Promise<BudgetReservation>;
  /** Gives the slot back; when `failed`, the attempt stays counted as a confirmed failure. */
  settle(slot: BudgetSlot, failed: boolean, now: Date): Promise<void>;
  /** Whether the store answers (for /readyz). The database limiter leaves that to the database check. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function dbRateLimiter(db: Db): RateLimiter {
  return {
    store: 'database',
    hit: (key, limit, windowSeconds, now) => hitRateLimit(db, key, limit, windowSeconds, now),
    async reserve(key, limit, windowSeconds, now) {
      const result = await reserveBudgetSlot(db, key, limit, windowSeconds, now);
      if (result.status !== 'reserved') return { status: result.status, retryAfterSeconds: result.retryAfterSeconds };
      return { status: 'reserved', slot: { key, windowSeconds, reservedAt: now, store: 'database' } };
    },
    settle: (slot, failed, now) => settleBudgetSlot(db, slot.key, slot.windowSeconds, slot.reservedAt, failed, now),
    ping: async () => true,
    close: async () => {},
  };
}

/** Start of the fixed window containing `now`, and when the next one begins. */
export function fixedWindow(now: Date, windowSeconds: number): { startMs: number; retryAfterSeconds: number } {
  const windowMs = windowSeconds * 1000;
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  return { startMs, retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - now.getTime()) / 1000)) };
}

/**
 * Counts in `primary`; when it fails (down, timing out), counts this request in `fallback` instead.
 * `onFallback` is told every time, for a metric; the server logs Redis' own up/down transitions.
 */
export function withFallback(
  primary: RateLimiter,
  fallback: RateLimiter,
  onFallback: (error: unknown) => void = () => {},
): RateLimiter {
  return {
    store: primary.store,
    async hit(key, limit, windowSeconds, now) {
      try {
        return await primary.hit(key, limit, windowSeconds, now);
      } catch (error) {
        onFallback(error);
        return fallback.hit(key, limit, windowSeconds, now);
      }
    },
    async reserve(key, limit, windowSeconds, now) {
      try {
        return await primary.reserve(key, limit, windowSeconds, now);
      } catch (error) {
        onFallback(error);
        return fallback.reserve(key, limit, windowSeconds, now);
      }
    },
    async settle(slot, failed, now) {
      if (slot.store !== primary.store) return fallback.settle(slot, failed, now);
      try {
        await primary.settle(slot, failed, now);
      } catch (error) {
        // The slot stays in the primary until its window ends; the fallback still counts the failure.
        onFallback(error);
        await fallback.settle(slot, failed, now);
      }
    },
    ping: () => primary.ping(),
    async close() {
      await primary.close();
      await fallback.close();
    },
  };
}
