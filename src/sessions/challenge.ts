/**
 * The sign-in challenge: password passed, second factor pending. It is not a session: it lives in its
 * own cookie and table, opens no route but the second step, is single use, expires after 10 minutes and
 * dies after 5 wrong codes (docs/product.md "Sign-in").
 */
import { sql, type Kysely } from 'kysely';
import { CHALLENGE } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { prepared, preparedWrite } from '../db/prepared.ts';

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
  /**
   * What it asks for: a second factor, or (for a member without 2FA on a browser never seen for the
   * account) a code emailed to confirm the new device.
   */
  readonly kind: 'second_factor' | 'device_check';
}

export async function createChallenge(
  ctx: Ctx,
  userId: string,
  firstStep: Challenge['firstStep'] = 'pwd',
  kind: Challenge['kind'] = 'second_factor',
): Promise<{ token: string; challenge: Challenge }> {
  const now = ctx.clock();
  const token = randomToken(CHALLENGE.tokenBytes);
  const challenge: Challenge = {
    id: randomId(),
    userId,
    expiresAt: addSeconds(now, CHALLENGE.lifetimeSeconds).toISOString(),
    failures: 0,
    firstStep,
    kind,
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
      kind,
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
  return challengeOf(row);
}

function challengeOf(row: {
  id: string;
  user_id: string;
  expires_at: string;
  failures: number | string;
  first_step: string;
  kind: string;
}): Challenge {
  return {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    failures: Number(row.failures),
    firstStep: row.first_step === 'hwk' || row.first_step === 'swk' ? row.first_step : 'pwd',
    kind: row.kind === 'device_check' ? 'device_check' : 'second_factor',
  };
}

/**
 * The second step's first statement: finds the live challenge named by the cookie token and counts one
 * attempt on it, in one conditional UPDATE … RETURNING — refused (challenge_expired) when it is unknown,
 * spent, expired or already has its 5 wrong codes, so parallel requests on one challenge are never evaluated
 * more than 5 times. `attemptsLeft` is what remains if this attempt turns out wrong.
 */
/** Every answer to a challenge: found and counted in one statement, compiled once (src/db/prepared.ts). */
const claimAttempt = prepared((db: Kysely<Database>, tokenHash: string, now: string) =>
  db
    .updateTable('challenges')
    .set({ failures: sql<number>`failures + 1` })
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .where('failures', '<', CHALLENGE.maxFailures)
    .returning(['id', 'user_id', 'expires_at', 'failures', 'first_step', 'kind']),
);

export async function claimChallengeAttempt(
  ctx: Ctx,
  token: string | undefined,
): Promise<Challenge & { readonly attemptsLeft: number }> {
  if (!token || token.length > 100) throw new AppError('challenge_expired');
  const [row] = await claimAttempt(ctx.db.kysely, sha256Hex(token), ctx.clock().toISOString());
  if (!row) throw new AppError('challenge_expired');
  return { ...challengeOf(row), attemptsLeft: Math.max(0, CHALLENGE.maxFailures - Number(row.failures)) };
}

const consume = preparedWrite((db: Kysely<Database>, challengeId: string, at: string) =>
  db
    .updateTable('challenges')
    .set({ consumed_at: at, failures: sql<number>`failures - 1` })
    .where('id', '=', challengeId)
    .where('consumed_at', 'is', null),
);

/** A right code undoes its own count: the challenge records only wrong codes. */
export async function consumeChallenge(ctx: Ctx, challengeId: string): Promise<void> {
  if ((await consume(ctx.db.kysely, challengeId, ctx.clock().toISOString())) !== 1)
    throw new AppError('challenge_expired');
}
