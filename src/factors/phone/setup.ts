/**
 * The phone flows shared by the JSON routes and the pages: add a number (sudo; a code must come back
 * before it becomes a factor), change a number (the new one verified before the old one goes), send a
 * sign-in code for the pending challenge, send a re-authentication code.
 */
import { audit, type Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RequestMeta } from '../../audit/store.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { securityTemplates } from '../../mail/templates.ts';
import { assertMethodAllowed } from '../../orgs/policy.ts';
import { liveChallenge, type Challenge } from '../../sessions/challenge.ts';
import { factorAdded, type FactorOwner } from '../lifecycle.ts';
import { spendCode } from './codes.ts';
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

const expiredSetup = (): AppError =>
  new AppError('not_found', { message: 'This phone setup has expired. Start again to get a new code.' });

export async function beginPhoneSetup(
  ctx: Ctx,
  user: FactorOwner,
  input: PhoneSetupInput,
  meta: RequestMeta,
): Promise<PhoneSetupStarted> {
  await assertMethodAllowed(ctx, user.id, input.channel);
  const parsed = parsePhone(input.phone, input.country ?? null);
  if (!parsed.ok) throw new AppError('invalid_request', { message: parsed.message, details: { field: 'phone' } });
  assertCountryAllowed(ctx, parsed.e164);
  const phones = await listPhones(ctx, user.id);
  if (input.replacesFactorId && !phones.some((p) => p.id === input.replacesFactorId)) throw new AppError('not_found');
  if (phones.some((p) => p.e164 === parsed.e164)) {
    throw new AppError('conflict', { message: 'This number is already on your account.', details: { field: 'phone' } });
  }
  const enrollment = await startPhoneEnrollment(ctx, user.id, {
    e164: parsed.e164,
    channel: input.channel,
    replacesFactorId: input.replacesFactorId ?? null,
  });
  const sent = await sendPhoneCode(
    ctx,
    { purpose: 'verify_phone', userId: user.id, enrollmentId: enrollment.id },
    { e164: parsed.e164, channel: input.channel, phoneFactorId: null },
    meta,
  );
  return { enrollmentId: enrollment.id, ...sent };
}

/** A new code for a pending number (the old one dies; wrong codes so far still count). */
export async function resendPhoneSetup(
  ctx: Ctx,
  userId: string,
  input: { enrollmentId: string; channel?: PhoneChannel },
  meta: RequestMeta,
): Promise<PhoneSetupStarted> {
  const enrollment = await liveEnrollment(ctx, userId, input.enrollmentId);
  if (!enrollment) throw expiredSetup();
  const channel = input.channel ?? enrollment.channel;
  const sent = await sendPhoneCode(
    ctx,
    { purpose: 'verify_phone', userId, enrollmentId: enrollment.id },
    { e164: enrollment.e164, channel, phoneFactorId: null },
    meta,
  );
  return { enrollmentId: enrollment.id, ...sent };
}

export interface PhoneSetupDone {
  readonly factor: { readonly id: string; readonly type: 'phone'; readonly label: string; readonly createdAt: string };
  readonly backupCodes: string[] | null;
  readonly changed: boolean;
}

export async function finishPhoneSetup(
  ctx: Ctx,
  user: FactorOwner,
  input: { enrollmentId: string; code: string },
  meta: RequestMeta,
): Promise<PhoneSetupDone> {
  const enrollment = await liveEnrollment(ctx, user.id, input.enrollmentId);
  if (!enrollment || !(await countEnrollmentAttempt(ctx, enrollment.id))) throw expiredSetup();
  const spent = await spendCode(
    ctx,
    { purpose: 'verify_phone', userId: user.id, enrollmentId: enrollment.id },
    input.code,
  );
  if (!spent.ok) {
    const left = Math.max(0, PHONE.enrollmentMaxFailures - (await failuresOf(ctx, enrollment.id)));
    const message =
      spent.reason === 'expired' ? 'That code has expired. Ask for a new one.' : 'That code is not valid.';
    throw new AppError('invalid_code', { message, details: { attemptsLeft: left } });
  }
  if (!(await consumeEnrollment(ctx, enrollment.id))) throw expiredSetup();
  const phones = await listPhones(ctx, user.id);
  if (phones.some((p) => p.e164 === enrollment.e164))
    throw new AppError('conflict', { message: 'This number is already on your account.' });
  const factor = await createPhoneFactor(ctx, user.id, enrollment.e164, enrollment.channel);
  const replaced = phones.find((p) => p.id === enrollment.replacesFactorId);
  const result = {
    factor: { id: factor.id, type: 'phone' as const, label: factor.label, createdAt: factor.createdAt },
  };
  if (replaced && (await removePhone(ctx, user.id, replaced.id))) {
    await audit(ctx, meta, {
      event: 'factor.added',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { type: 'phone', label: factor.label },
    });
    await audit(ctx, meta, {
      event: 'factor.removed',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { type: 'phone', label: replaced.label },
    });
    await audit(ctx, meta, {
      event: 'phone.changed',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { from: replaced.label, to: factor.label },
    });
    await ctx.mail.send(
      securityTemplates.phoneChanged(user.email, {
        productName: ctx.config.productName,
        oldNumber: replaced.label,
        newNumber: factor.label,
      }),
      ctx.clock(),
    );
    return { ...result, backupCodes: null, changed: true };
  }
  const backupCodes = await factorAdded(ctx, user, { type: 'phone', label: factor.label }, meta);
  return { ...result, backupCodes, changed: false };
}

async function failuresOf(ctx: Ctx, enrollmentId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('phone_enrollments')
    .select('failures')
    .where('id', '=', enrollmentId)
    .executeTakeFirst();
  return Number(row?.failures ?? PHONE.enrollmentMaxFailures);
}

/** A code for the pending sign-in challenge, to the user's number, by text or call. */
export async function sendSignInCode(
  ctx: Ctx,
  challengeToken: string | undefined,
  channel: PhoneChannel,
  meta: RequestMeta,
): Promise<SentCode> {
  return sendChallengeCode(ctx, await liveChallenge(ctx, challengeToken), channel, meta);
}

export async function sendChallengeCode(
  ctx: Ctx,
  challenge: Challenge,
  channel: PhoneChannel,
  meta: RequestMeta,
): Promise<SentCode> {
  const phone = await signInPhone(ctx, challenge.userId);
  if (!phone)
    throw new AppError('invalid_request', { message: 'There is no phone number on this account. Choose another way.' });
  return sendPhoneCode(
    ctx,
    { purpose: 'sign_in', userId: challenge.userId, challengeId: challenge.id },
    { e164: phone.e164, channel, phoneFactorId: phone.id },
    meta,
  );
}

/** A code for re-authenticating (or turning 2FA off) in a signed-in session. */
export async function sendReauthCode(
  ctx: Ctx,
  userId: string,
  channel: PhoneChannel,
  meta: RequestMeta,
): Promise<SentCode> {
  const phone = await signInPhone(ctx, userId);
  if (!phone)
    throw new AppError('invalid_request', { message: 'There is no phone number on this account. Choose another way.' });
  return sendPhoneCode(
    ctx,
    { purpose: 'reauthenticate', userId },
    { e164: phone.e164, channel, phoneFactorId: phone.id },
    meta,
  );
}
