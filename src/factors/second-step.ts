/**
 * Verifying a second factor, for sign-in, sudo and disabling 2FA alike, as ordered checks:
 * account not locked → attempt counted (before the code is checked) → factor verifies and consumes →
 * outcome recorded (reset on success; audit, lock email on failure). Counted per account across
 * challenges, sessions and IPs (SECURITY.md "Guessing limits").
 */
import { SECOND_FACTOR_THROTTLE } from '../config/defaults.ts';
import { lockSeconds } from '../core/attempts.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { securityTemplates } from '../mail/templates.ts';
import { clearAttempts, reserveAttempt } from '../throttle/store.ts';
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
  const now = ctx.clock();
  const reservation = await reserveAttempt(ctx.db, secondFactorKey(user.id), SECOND_FACTOR_THROTTLE, now);
  if (!reservation.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((reservation.retryAt.getTime() - now.getTime()) / 1000));
    throw new AppError('too_many_attempts', { retryAfterSeconds });
  }
  let outcome: VerifyOutcome = { ok: false, reason: 'invalid' };
  for (const factor of FACTORS) {
    const result = await factor.verify(ctx, user.id, method, code, meta, purpose, context);
    if (result) {
      outcome = result;
      break;
    }
  }
  if (outcome.ok) {
    await clearAttempts(ctx.db, secondFactorKey(user.id));
    if (method === 'backup_code') {
      const left = await backupCodesLeft(ctx, user.id);
      await audit(ctx, meta, { event: 'backup_code.used', actorUserId: user.id, targetUserId: user.id, details: { left, purpose } });
      await ctx.mail.send(securityTemplates.backupCodeUsed(user.email, { productName: ctx.config.productName, left }), ctx.clock());
    }
    return outcome;
  }
  await audit(ctx, meta, {
    event: 'sign_in.failed',
    targetUserId: user.id,
    details: { step: 'second_factor', method, reason: outcome.reason, purpose, failures: reservation.state.failures },
  });
  if (reservation.locksNow) {
    const minutes = Math.round(lockSeconds(SECOND_FACTOR_THROTTLE, reservation.state.locks - 1) / 60);
    await audit(ctx, meta, { event: 'sign_in.locked', targetUserId: user.id, details: { step: 'second_factor', minutes } });
    await ctx.mail.send(securityTemplates.secondFactorLocked(user.email, { productName: ctx.config.productName, minutes }), now);
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
    return new AppError('invalid_code', { message: 'That code was already used. Wait for the next code and try again.' });
  }
  return new AppError('invalid_code');
}
