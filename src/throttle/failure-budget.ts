/**
 * Failed sign-ins per client address (RATE_LIMITS.signInFailures). Each password check takes an in-flight
 * slot of its address's failure budget: a failed check keeps it counted, a right password gives it back.
 * So a few hundred people behind one NAT address all get in, while guesses from one address — also sent
 * in parallel — are never checked beyond the limit (docs/product.md "Per-IP sign-in limits count failures").
 */
import { RATE_LIMITS } from '../config/defaults.ts';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import { dbRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { patiently, wakeNext } from './waiting.ts';

/**
 * Runs `check` (a password check) inside a slot of `ip`'s failure budget. Anything but a result counts as
 * a failure. 429 rate_limited with Retry-After once the address's failures fill the budget.
 */
export async function withSignInFailureBudget<T>(
  ctx: { readonly db: Db; readonly rateLimiter?: RateLimiter; readonly clock: Clock },
  ip: string,
  check: () => Promise<T>,
): Promise<T> {
  const limiter = ctx.rateLimiter ?? dbRateLimiter(ctx.db);
  const rule = RATE_LIMITS.signInFailures;
  const key = `ip:sign-in-failures:${ip}`;
  const reservation = await patiently(
    key,
    () => limiter.reserve(key, rule.limit, rule.windowSeconds, ctx.clock()),
    (r) => r.status === 'busy',
  );
  if (reservation.status !== 'reserved')
    throw new AppError('rate_limited', { retryAfterSeconds: reservation.retryAfterSeconds });
  let failed = true;
  try {
    const result = await check();
    failed = false;
    return result;
  } finally {
    await limiter.settle(reservation.slot, failed, ctx.clock());
    wakeNext(key);
  }
}
