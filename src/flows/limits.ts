/** Request-rate limits per client address, in the deployment's limiter (Redis, or the database). */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { dbRateLimiter } from '../throttle/rate-limiter.ts';

/** Counts a request against a per-IP limit; throws 429 rate_limited with Retry-After when over. */
export async function limitByIp(
  ctx: Ctx,
  meta: RequestMeta,
  name: string,
  rule: { limit: number; windowSeconds: number },
): Promise<void> {
  const limiter = ctx.rateLimiter ?? dbRateLimiter(ctx.db);
  const result = await limiter.hit(`ip:${name}:${meta.ip}`, rule.limit, rule.windowSeconds, ctx.clock());
  if (!result.allowed) throw new AppError('rate_limited', { retryAfterSeconds: result.retryAfterSeconds });
}
