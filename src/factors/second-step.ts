/**
 * Verifying a second factor, for sign-in, sudo and disabling 2FA alike, as ordered checks:
 * account not locked → in-flight slot taken (before the code is checked; waits while parallel checks of
 * the same user hold every slot) → factor verifies and consumes → outcome recorded (slot given back and
 * failures reset on success; failure counted, audit, lock email otherwise). Counted per account across
 * challenges, sessions and IPs (SECURITY.md "Guessing limits").
 */
import { SECOND_FACTOR_THROTTLE } from '../config/defaults.ts';
import { lockSeconds } from '../core/attempts.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { securityTemplates } from '../mail/templates.ts';
import { reserveAttempt } from '../throttle/store.ts';
import { FACTORS } from './index.ts';
import type { SecondFactorMethod, VerifyContext, VerifyOutcome, VerifyPurpose } from './factor.ts';
import { backupCodesLeft } from './backup-codes/store.ts';

const secondFactorKey = (userId: string): string => `2fa:${userId}`;

export interface SecondStepUser {
  readonly id: string;
  readonly email: string;
}

/** Throws too_many_attempts while locked; otherwise returns the factor's outcome. */
export async function verifySecondFactor(
  ctx: Ctx,
  user: SecondStepUser,
  method: SecondFactorMethod,
  code: string,
  meta: RequestMeta,
  purpose: VerifyPurpose,
  context: VerifyContext = {},
): Promise<VerifyOutcome> {
  const attempt = await reserveAttempt(ctx.db, secondFactorKey(user.id), SECOND_FACTOR_THROTTLE, ctx.clock);
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((attempt.retryAt.getTime() - ctx.clock().getTime()) / 1000));
    throw new AppError('too_many_attempts', { retryAfterSeconds });
  }
  let outcome: VerifyOutcome = { ok: false, reason: 'invalid' };
  try {
    for (const factor of FACTORS) {
      const result = await factor.verify(ctx, user.id, method, code, meta, purpose, context);
      if (result) {
        outcome = result;
        break;
      }
    }
  } catch (error) {
    await attempt.failed(); // a check that could not finish still used its attempt
    throw error;
  }
  if (outcome.ok) {
    await attempt.succeeded();
    if (method === 'backup_code') {
      const left = await backupCodesLeft(ctx, user.id);
      await audit(ctx, meta, {
        event: 'backup_code.used',
        actorUserId: user.id,
        targetUserId: user.id,
        details: { left, purpose },
      });
      await ctx.mail.send(
        securityTemplates.backupCodeUsed(user.email, { productName: ctx.config.productName, left }),
        ctx.clock(),
      );
    }
    return outcome;
  }
  const { state, locksNow } = await attempt.failed();
  await audit(ctx, meta, {
    event: 'sign_in.failed',
    targetUserId: user.id,
    details: { step: 'second_factor', method, reason: outcome.reason, purpose, failures: state.failures },
  });
  if (locksNow) {
    const minutes = Math.round(lockSeconds(SECOND_FACTOR_THROTTLE, state.locks - 1) / 60);
    await audit(ctx, meta, {
      event: 'sign_in.locked',
      targetUserId: user.id,
      details: { step: 'second_factor', minutes },
    });
    await ctx.mail.send(
      securityTemplates.secondFactorLocked(user.email, { productName: ctx.config.productName, minutes }),
      ctx.clock(),
    );
  }
  return outcome;
}

/** Turns a failed outcome into the API's error (invalid_code, with the clock-drift hint when known). */
export function failedCode(outcome: Extract<VerifyOutcome, { ok: false }>): AppError {
  if (outcome.clockDriftMinutes !== undefined && outcome.clockDriftMinutes !== 0) {
    const minutes = outcome.clockDriftMinutes;
    return new AppError('invalid_code', {
      message: `That code is not valid. Your device's clock seems to be about ${Math.abs(minutes)} minute${Math.abs(minutes) === 1 ? '' : 's'} ${minutes > 0 ? 'ahead' : 'behind'}: set it to update automatically and try again.`,
      details: { clockDriftMinutes: minutes },
    });
  }
  if (outcome.reason === 'replayed') {
    return new AppError('invalid_code', {
      message: 'That code was already used. Wait for the next code and try again.',
    });
  }
  return new AppError('invalid_code');
}
