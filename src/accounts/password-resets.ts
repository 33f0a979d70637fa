/**
 * The only writer of `password_resets`: links to choose a new password (OWASP Forgot Password Cheat Sheet:
 * random, stored as a SHA-256 hash, single use, expiring). The request and the reset are flows
 * (src/flows/password.ts).
 */
import { TOKENS } from '../config/defaults.ts';
import { randomId, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import type { Ctx } from '../context.ts';

/** Stores a new reset link for the user (its token's hash), valid for TOKENS.passwordResetSeconds. */
export async function insertPasswordReset(ctx: Ctx, userId: string, token: string): Promise<void> {
  const now = ctx.clock();
  await ctx.db.kysely
    .insertInto('password_resets')
    .values({
      id: randomId(),
      user_id: userId,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, TOKENS.passwordResetSeconds).toISOString(),
      used_at: null,
    })
    .execute();
}

export interface LiveReset {
  readonly id: string;
  readonly userId: string;
  readonly email: string;
  /** The account's saved language and time zone, for the email that follows the reset. */
  readonly locale: string | null;
  readonly timeZone: string | null;
}

/** The unused, unexpired reset the token names, with its account's address; null otherwise. */
export async function findLiveReset(ctx: Ctx, token: string): Promise<LiveReset | null> {
  const row = await ctx.db.kysely
    .selectFrom('password_resets as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'r.expires_at', 'r.used_at', 'u.email', 'u.locale', 'u.time_zone'])
    .where('r.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= ctx.clock().toISOString()) return null;
  return { id: row.id, userId: row.user_id, email: row.email, locale: row.locale, timeZone: row.time_zone };
}

/** True when the token names a live reset (for showing the form). */
export async function resetTokenIsLive(ctx: Ctx, token: string): Promise<boolean> {
  return (await findLiveReset(ctx, token)) !== null;
}

/**
 * Uses the reset up (compare-and-swap: true only for the one call that did), and with it every other
 * outstanding reset link of the same account.
 */
export async function consumePasswordReset(ctx: Ctx, reset: LiveReset): Promise<boolean> {
  const now = ctx.clock().toISOString();
  const consumed = await ctx.db.kysely
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', reset.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) return false;
  await ctx.db.kysely
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', reset.userId)
    .where('used_at', 'is', null)
    .execute();
  return true;
}

/** Housekeeping: resets that expired before `cutoff`. */
export async function pruneExpiredPasswordResets(ctx: Ctx, cutoff: string): Promise<number> {
  const result = await ctx.db.kysely.deleteFrom('password_resets').where('expires_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
