/**
 * The sign-in challenge: password passed, second factor pending. It is not a session: it lives in its
 * own cookie and table, opens no route but the second step, is single use, expires after 10 minutes and
 * dies after 5 wrong codes (docs/product.md "Sign-in").
 */
import { sql } from 'kysely';
import { CHALLENGE } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';

export interface Challenge {
  readonly id: string;
  readonly userId: string;
  readonly expiresAt: string;
  readonly failures: number;
  /**
   * How the first step was passed (RFC 8176 amr): 'pwd', or 'hwk'/'swk' when a passkey without user
   * verification stood in for the password — then no passkey is offered for the second step.
   */
  readonly firstStep: 'pwd' | 'hwk' | 'swk';
}

export async function createChallenge(
  ctx: Ctx,
  userId: string,
  firstStep: Challenge['firstStep'] = 'pwd',
): Promise<{ token: string; challenge: Challenge }> {
  const now = ctx.clock();
  const token = randomToken(CHALLENGE.tokenBytes);
  const challenge: Challenge = {
    id: randomId(),
    userId,
    expiresAt: addSeconds(now, CHALLENGE.lifetimeSeconds).toISOString(),
    failures: 0,
    firstStep,
  };
  await ctx.db.kysely
    .insertInto('challenges')
    .values({
      id: challenge.id,
      token_hash: sha256Hex(token),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: challenge.expiresAt,
      failures: 0,
      consumed_at: null,
      first_step: firstStep,
    })
    .execute();
  return { token, challenge };
}

/** The live challenge named by the cookie token, or challenge_expired. */
export async function liveChallenge(ctx: Ctx, token: string | undefined): Promise<Challenge> {
  if (!token || token.length > 100) throw new AppError('challenge_expired');
  const row = await ctx.db.kysely
    .selectFrom('challenges')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (
    !row ||
    row.consumed_at ||
    row.expires_at <= ctx.clock().toISOString() ||
    Number(row.failures) >= CHALLENGE.maxFailures
  ) {
    throw new AppError('challenge_expired');
  }
  return {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    failures: Number(row.failures),
    firstStep: row.first_step === 'hwk' || row.first_step === 'swk' ? row.first_step : 'pwd',
  };
}

/**
 * Counts one attempt on the challenge before the code is checked; refuses once 5 are spent, so parallel
 * requests on one challenge can never be evaluated more than 5 times.
 */
export async function countChallengeAttempt(ctx: Ctx, challengeId: string): Promise<void> {
  const result = await ctx.db.kysely
    .updateTable('challenges')
    .set({ failures: sql<number>`failures + 1` })
    .where('id', '=', challengeId)
    .where('failures', '<', CHALLENGE.maxFailures)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('challenge_expired');
}

/** A right code undoes its own count: the challenge records only wrong codes. */
export async function consumeChallenge(ctx: Ctx, challengeId: string): Promise<void> {
  const result = await ctx.db.kysely
    .updateTable('challenges')
    .set({ consumed_at: ctx.clock().toISOString(), failures: sql<number>`failures - 1` })
    .where('id', '=', challengeId)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('challenge_expired');
}

export async function attemptsLeft(ctx: Ctx, challengeId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('challenges')
    .select('failures')
    .where('id', '=', challengeId)
    .executeTakeFirst();
  return Math.max(0, CHALLENGE.maxFailures - Number(row?.failures ?? CHALLENGE.maxFailures));
}
