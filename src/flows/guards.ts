/**
 * The checks every flow may ask before it acts: a fresh re-authentication (sudo, PRODUCT.md "Sudo") and a
 * per-client-address request limit. The operator at the command line needs neither: holding the server's
 * configuration and database is their authority.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { hasRecentReauth, type CurrentSession } from '../sessions/service.ts';
import { dbRateLimiter } from '../throttle/rate-limiter.ts';

/** The server's operator, acting from the command line (audited with no actor). */
export const OPERATOR = Object.freeze({ operator: true as const });
export type Operator = typeof OPERATOR;

/** Throws `reauthentication_required` unless the session re-authenticated within the sudo window. */
export function requireSudo(ctx: Ctx, session: CurrentSession): void {
  if (!hasRecentReauth(ctx, session)) throw new AppError('reauthentication_required');
}

/**
 * Counts a request against a per-address limit (the same window and key as the HTTP layer's limitByIp);
 * 429 rate_limited with Retry-After when over.
 */
export async function limitPerIp(
  ctx: Ctx,
  meta: RequestMeta,
  name: string,
  rule: { readonly limit: number; readonly windowSeconds: number },
  message?: string,
): Promise<void> {
  const limiter = ctx.rateLimiter ?? dbRateLimiter(ctx.db);
  const result = await limiter.hit(`ip:${name}:${meta.ip}`, rule.limit, rule.windowSeconds, ctx.clock());
  if (!result.allowed)
    throw new AppError('rate_limited', {
      retryAfterSeconds: result.retryAfterSeconds,
      ...(message ? { message } : {}),
    });
}
