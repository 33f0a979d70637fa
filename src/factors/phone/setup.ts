/**
 * Adding a phone number (a code must come back before it becomes a factor), changing a number (the new one
 * verified before the old one goes), and the codes sent for a pending sign-in or a re-authentication.
 */
import { audit, inTransaction, type Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RequestMeta } from '../../audit/store.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { savedTranslator, securityTemplates } from '../../mail/templates.ts';
import type { ChallengeRequest, Enrolled, Enrollee, FactorAdded, MethodPolicy } from '../factor.ts';
import { spendCode, type CodeBinding } from '../sent-codes.ts';
import { parsePhone } from './numbers.ts';
import { sendPhoneCode, assertCountryAllowed, type SentCode } from './send.ts';
import {
  consumeEnrollment,
  countEnrollmentAttempt,
  createPhoneFactor,
  listPhones,
  liveEnrollment,
  removePhone,
  signInPhone,
  startPhoneEnrollment,
} from './store.ts';
import { PHONE } from '../../config/defaults.ts';

export interface PhoneSetupInput {
  readonly phone: string;
  /** ISO country of the picker, for numbers typed without +country code. */
  readonly country?: string;
  readonly channel: PhoneChannel;
  /** Changing a number: the phone factor to remove once the new number is verified. */
  readonly replacesFactorId?: string;
}

export type PhoneSetupStarted = SentCode & { readonly enrollmentId: string };

const expiredSetup = (): AppError => new AppError('not_found', { key: 'errors:messages.phone.setupExpired' });

export async function beginPhoneSetup(
  ctx: Ctx,
  who: Enrollee,
  input: PhoneSetupInput,
  meta: RequestMeta,
  policy: MethodPolicy,
): Promise<PhoneSetupStarted> {
  await policy.assertAllowed(input.channel);
  const parsed = parsePhone(input.phone, input.country ?? null);
  if (!parsed.ok) throw new AppError('invalid_request', { key: parsed.key, details: { field: 'phone' } });
  assertCountryAllowed(ctx, parsed.e164);
  const phones = await listPhones(ctx, who.id);
  if (input.replacesFactorId && !phones.some((p) => p.id === input.replacesFactorId)) throw new AppError('not_found');
  if (phones.some((p) => p.e164 === parsed.e164)) {
    throw new AppError('conflict', { key: 'errors:messages.phone.duplicate', details: { field: 'phone' } });
  }
  const enrollment = await startPhoneEnrollment(ctx, who.id, {
    e164: parsed.e164,
    channel: input.channel,
    replacesFactorId: input.replacesFactorId ?? null,
  });
  const sent = await sendPhoneCode(
    ctx,
    { purpose: 'verify_phone', userId: who.id, enrollmentId: enrollment.id },
    { e164: parsed.e164, channel: input.channel, phoneFactorId: null },
    meta,
    policy,
    savedTranslator(who),
  );
  return { enrollmentId: enrollment.id, ...sent };
}

/** A new code for a pending number (the old one dies; wrong codes so far still count). */
export async function resendPhoneSetup(
  ctx: Ctx,
  who: Enrollee,
  input: { enrollmentId: string; channel?: PhoneChannel },
  meta: RequestMeta,
  policy: MethodPolicy,
): Promise<PhoneSetupStarted> {
  const enrollment = await liveEnrollment(ctx, who.id, input.enrollmentId);
  if (!enrollment) throw expiredSetup();
  const channel = input.channel ?? enrollment.channel;
  const sent = await sendPhoneCode(
    ctx,
    { purpose: 'verify_phone', userId: who.id, enrollmentId: enrollment.id },
    { e164: enrollment.e164, channel, phoneFactorId: null },
    meta,
    policy,
    savedTranslator(who),
  );
  return { enrollmentId: enrollment.id, ...sent };
}

export async function finishPhoneSetup(
  ctx: Ctx,
  who: Enrollee,
  input: { enrollmentId: string; code: string },
  added: FactorAdded,
  meta: RequestMeta,
): Promise<Enrolled> {
  const enrollment = await liveEnrollment(ctx, who.id, input.enrollmentId);
  // The attempt is counted on its own, before the code is checked: a rollback below never gives it back.
  if (!enrollment || !(await countEnrollmentAttempt(ctx, enrollment.id))) throw expiredSetup();
  const binding = { purpose: 'verify_phone', userId: who.id, enrollmentId: enrollment.id } as const;
  // The code spent, the number stored (the old one gone, for a change), 2FA on and the backup codes: one
  // transaction, so a crash leaves all of it, or the number still pending and its code still good.
  const outcome = await inTransaction(ctx, async (tx) => {
    const spent = await spendCode(tx, binding, input.code);
    if (!spent.ok) return spent;
    if (!(await consumeEnrollment(tx, enrollment.id))) throw expiredSetup();
    const phones = await listPhones(tx, who.id);
    if (phones.some((p) => p.e164 === enrollment.e164))
      throw new AppError('conflict', { key: 'errors:messages.phone.duplicate' });
    const factor = await createPhoneFactor(tx, who.id, enrollment.e164, enrollment.channel);
    const old = phones.find((p) => p.id === enrollment.replacesFactorId);
    const replaced = old && (await removePhone(tx, who.id, old.id)) ? old : null;
    return { ok: true as const, factor, replaced, backupCodes: await added(tx, { label: factor.label }) };
  });
  if (!outcome.ok) {
    const left = Math.max(0, PHONE.enrollmentMaxFailures - (await failuresOf(ctx, enrollment.id)));
    const key = outcome.reason === 'expired' ? 'errors:messages.code.expired' : 'errors:codes.invalid_code';
    throw new AppError('invalid_code', { key, details: { attemptsLeft: left } });
  }
  const { factor, replaced, backupCodes } = outcome;
  const result = {
    factor: { id: factor.id, type: 'phone', label: factor.label, createdAt: factor.createdAt },
    amr: ['sms'],
    backupCodes,
  };
  if (!replaced) return { ...result, changed: false };
  await audit(ctx, meta, {
    event: 'factor.removed',
    actorUserId: who.id,
    targetUserId: who.id,
    details: { type: 'phone', label: replaced.label },
  });
  await audit(ctx, meta, {
    event: 'phone.changed',
    actorUserId: who.id,
    targetUserId: who.id,
    details: { from: replaced.label, to: factor.label },
  });
  await ctx.mail.send(
    securityTemplates.phoneChanged(who, {
      productName: ctx.config.productName,
      oldNumber: replaced.label,
      newNumber: factor.label,
    }),
    ctx.clock(),
  );
  return { ...result, changed: true };
}

async function failuresOf(ctx: Ctx, enrollmentId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('phone_enrollments')
    .select('failures')
    .where('id', '=', enrollmentId)
    .executeTakeFirst();
  return Number(row?.failures ?? PHONE.enrollmentMaxFailures);
}

/**
 * A code by text or call to the number sign-in codes go to: for the pending sign-in challenge it is bound to,
 * or for a re-authentication (or turning 2FA off) in a signed-in session.
 */
export async function sendProofCode(ctx: Ctx, request: ChallengeRequest, meta: RequestMeta): Promise<SentCode> {
  const userId = request.userId;
  const phone = userId ? await signInPhone(ctx, userId) : null;
  if (!userId || !phone) throw new AppError('invalid_request', { key: 'errors:messages.phone.none' });
  const channel: PhoneChannel = request.method === 'voice' ? 'voice' : 'sms';
  let binding: CodeBinding = { purpose: 'reauthenticate', userId };
  if (request.purpose === 'sign_in') {
    if (!request.challengeId) throw new AppError('challenge_expired');
    binding = { purpose: 'sign_in', userId, challengeId: request.challengeId };
  }
  // The code in the person's saved language (the request names them by id only).
  const saved = await ctx.db.kysely
    .selectFrom('users')
    .select(['locale', 'time_zone'])
    .where('id', '=', userId)
    .executeTakeFirst();
  const t = savedTranslator({ locale: saved?.locale ?? null, timeZone: saved?.time_zone ?? null });
  return sendPhoneCode(ctx, binding, { e164: phone.e164, channel, phoneFactorId: phone.id }, meta, request.policy, t);
}
