/**
 * Checking a second factor, for sign-in, re-authentication and turning 2FA off alike, as ordered checks:
 * account not locked → in-flight slot taken (before the proof is checked; waits while parallel checks of
 * the same person hold every slot) → factor verifies and consumes → outcome recorded (slot given back and
 * failures reset on success; failure counted, audit, lock email otherwise). Counted per account across
 * challenges, sessions and IPs (docs/security.md "Guessing limits").
 */
import { SECOND_FACTOR_THROTTLE } from '../config/defaults.ts';
import { lockSeconds } from '../core/attempts.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { securityTemplates, type Recipient } from '../mail/templates.ts';
import { reserveAttempt } from '../throttle/store.ts';
import { factorOf, type Proof } from '../factors/index.ts';
import type { VerifyOutcome, VerifyPurpose } from '../factors/factor.ts';

const secondFactorKey = (userId: string): string => `2fa:${userId}`;

export interface SecondStepUser extends Recipient {
  readonly id: string;
}

/** Throws too_many_attempts while locked; otherwise returns the factor's outcome. */
export async function verifySecondFactor(
  ctx: Ctx,
  user: SecondStepUser,
  proof: Proof,
  meta: RequestMeta,
  purpose: VerifyPurpose,
  challengeId?: string,
): Promise<VerifyOutcome> {
  const attempt = await reserveAttempt(ctx.db, secondFactorKey(user.id), SECOND_FACTOR_THROTTLE, ctx.clock);
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((attempt.retryAt.getTime() - ctx.clock().getTime()) / 1000));
    throw new AppError('too_many_attempts', { retryAfterSeconds });
  }
  let outcome: VerifyOutcome;
  try {
    outcome = await factorOf(proof.method).verify(ctx, { userId: user.id, proof, purpose, challengeId }, meta);
  } catch (error) {
    await attempt.failed(); // a check that could not finish still used its attempt
    throw error;
  }
  if (outcome.ok) {
    await attempt.succeeded();
    if (outcome.remaining !== undefined) {
      const left = outcome.remaining;
      await audit(ctx, meta, {
        event: 'backup_code.used',
        actorUserId: user.id,
        targetUserId: user.id,
        details: { left, purpose },
      });
      await ctx.mail.send(
        securityTemplates.backupCodeUsed(user, { productName: ctx.config.productName, left }),
        ctx.clock(),
      );
    }
    return outcome;
  }
  const { state, locksNow } = await attempt.failed();
  await audit(ctx, meta, {
    event: 'sign_in.failed',
    targetUserId: user.id,
    details: { step: 'second_factor', method: proof.method, reason: outcome.reason, purpose, failures: state.failures },
  });
  if (locksNow) {
    const minutes = Math.round(lockSeconds(SECOND_FACTOR_THROTTLE, state.locks - 1) / 60);
    await audit(ctx, meta, {
      event: 'sign_in.locked',
      targetUserId: user.id,
      details: { step: 'second_factor', minutes },
    });
    await ctx.mail.send(
      securityTemplates.secondFactorLocked(user, { productName: ctx.config.productName, minutes }),
      ctx.clock(),
    );
  }
  return outcome;
}
