/**
 * Adding email codes (a code sent to the account's address must come back before they become a factor), and
 * the codes sent for a pending sign-in or a re-authentication. The org policy (the flow passes it in) is asked
 * before any code leaves.
 */
import { inTransaction, type Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RequestMeta } from '../../audit/store.ts';
import { getUser } from '../../accounts/service.ts';
import type { ChallengeRequest, Enrolled, Enrollee, FactorAdded, MethodPolicy } from '../factor.ts';
import { spendCode, type CodeBinding } from '../sent-codes.ts';
import { sendEmailCode, type SentEmailCode } from './send.ts';
import {
  consumeEmailEnrollment,
  countEmailEnrollmentAttempt,
  createEmailFactor,
  emailEnrollmentAttemptsLeft,
  emailFactorOf,
  liveEmailEnrollment,
  startEmailEnrollment,
} from './store.ts';

export type EmailSetupStarted = SentEmailCode & { readonly enrollmentId: string };

const expiredSetup = (): AppError => new AppError('not_found', { key: 'errors:messages.emailCodes.setupExpired' });

const alreadyOn = (): AppError => new AppError('conflict', { key: 'errors:messages.emailCodes.alreadyOn' });

export async function beginEmailSetup(
  ctx: Ctx,
  who: Enrollee,
  _input: Record<string, never>,
  meta: RequestMeta,
  policy: MethodPolicy,
): Promise<EmailSetupStarted> {
  await policy.assertAllowed('email');
  if (await emailFactorOf(ctx, who.id)) throw alreadyOn();
  const enrollment = await startEmailEnrollment(ctx, who.id);
  const binding: CodeBinding = { purpose: 'verify_email', userId: who.id, enrollmentId: enrollment.id };
  const sent = await sendEmailCode(ctx, binding, who, 'setup', meta);
  return { enrollmentId: enrollment.id, ...sent };
}

/** A new code for a pending setup (the old one dies; wrong codes so far still count). */
export async function resendEmailSetup(
  ctx: Ctx,
  who: Enrollee,
  input: { enrollmentId: string },
  meta: RequestMeta,
  policy: MethodPolicy,
): Promise<EmailSetupStarted> {
  await policy.assertAllowed('email');
  if (!(await liveEmailEnrollment(ctx, who.id, input.enrollmentId))) throw expiredSetup();
  const binding: CodeBinding = { purpose: 'verify_email', userId: who.id, enrollmentId: input.enrollmentId };
  const sent = await sendEmailCode(ctx, binding, who, 'setup', meta);
  return { enrollmentId: input.enrollmentId, ...sent };
}

export async function finishEmailSetup(
  ctx: Ctx,
  who: Enrollee,
  input: { enrollmentId: string; code: string },
  added: FactorAdded,
): Promise<Enrolled> {
  const live = await liveEmailEnrollment(ctx, who.id, input.enrollmentId);
  // The attempt is counted on its own, before the code is checked: a rollback below never gives it back.
  if (!live || !(await countEmailEnrollmentAttempt(ctx, input.enrollmentId))) throw expiredSetup();
  const binding: CodeBinding = { purpose: 'verify_email', userId: who.id, enrollmentId: input.enrollmentId };
  // The code spent, the factor stored, 2FA on and the backup codes: one transaction.
  const outcome = await inTransaction(ctx, async (tx) => {
    const spent = await spendCode(tx, binding, input.code);
    if (!spent.ok) return spent;
    if (!(await consumeEmailEnrollment(tx, input.enrollmentId))) throw expiredSetup();
    const factor = await createEmailFactor(tx, who.id);
    if (!factor) throw alreadyOn();
    return { ok: true as const, factor, backupCodes: await added(tx, { label: 'Email codes' }) };
  });
  if (!outcome.ok) {
    const left = await emailEnrollmentAttemptsLeft(ctx, input.enrollmentId);
    const key = outcome.reason === 'expired' ? 'errors:messages.code.expired' : 'errors:codes.invalid_code';
    throw new AppError('invalid_code', { key, details: { attemptsLeft: left } });
  }
  return {
    factor: { id: outcome.factor.id, type: 'email', label: 'Email codes', createdAt: outcome.factor.createdAt },
    amr: ['otp', 'email'],
    backupCodes: outcome.backupCodes,
    changed: false,
  };
}

/**
 * A code by email to the account's address: for the pending sign-in challenge it is bound to, or for a
 * re-authentication (or turning 2FA off) in a signed-in session. Only for a person who has email codes on.
 */
export async function sendEmailProofCode(
  ctx: Ctx,
  request: ChallengeRequest,
  meta: RequestMeta,
): Promise<SentEmailCode> {
  const userId = request.userId;
  const user = userId ? await getUser(ctx, userId) : null;
  if (!user || !(await emailFactorOf(ctx, user.id)))
    throw new AppError('invalid_request', { key: 'errors:messages.emailCodes.notOn' });
  await request.policy.assertAllowed('email');
  if (request.purpose === 'sign_in') {
    if (!request.challengeId) throw new AppError('challenge_expired');
    const binding: CodeBinding = {
      purpose: 'sign_in',
      userId: user.id,
      challengeId: request.challengeId,
      medium: 'email',
    };
    return sendEmailCode(ctx, binding, user, 'sign_in', meta);
  }
  return sendEmailCode(
    ctx,
    { purpose: 'reauthenticate', userId: user.id, medium: 'email' },
    user,
    'reauthenticate',
    meta,
  );
}
