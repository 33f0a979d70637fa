/**
 * Phone storage: verified numbers (the factor) and pending "add a phone" enrolments. A number becomes a
 * factor only when the code sent to it comes back; the enrolment is consumed by compare-and-swap, and
 * its wrong codes are counted before each check (5, then it is dead).
 */
import { sql } from 'kysely';
import { PHONE } from '../../config/defaults.ts';
import { randomId } from '../../crypto/index.ts';
import { addSeconds } from '../../core/clock.ts';
import type { Ctx } from '../../context.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { removeCodesOf } from '../sent-codes.ts';
import { maskPhone } from './numbers.ts';

export interface PhoneFactorRow {
  readonly id: string;
  readonly e164: string;
  readonly channel: PhoneChannel;
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface PhoneEnrollment {
  readonly id: string;
  readonly userId: string;
  readonly e164: string;
  readonly channel: PhoneChannel;
  readonly replacesFactorId: string | null;
  readonly expiresAt: string;
}

const channelOf = (value: string): PhoneChannel => (value === 'voice' ? 'voice' : 'sms');

export async function listPhones(ctx: Ctx, userId: string): Promise<PhoneFactorRow[]> {
  const rows = await ctx.db.kysely
    .selectFrom('phone_factors')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    e164: r.e164,
    channel: channelOf(r.channel),
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** The number sign-in codes go to: the most recently verified one. */
export async function signInPhone(ctx: Ctx, userId: string): Promise<PhoneFactorRow | null> {
  const phones = await listPhones(ctx, userId);
  return phones[phones.length - 1] ?? null;
}

export async function startPhoneEnrollment(
  ctx: Ctx,
  userId: string,
  input: { e164: string; channel: PhoneChannel; replacesFactorId: string | null },
): Promise<PhoneEnrollment> {
  const now = ctx.clock();
  const enrollment: PhoneEnrollment = {
    id: randomId(),
    userId,
    ...input,
    expiresAt: addSeconds(now, PHONE.enrollmentSeconds).toISOString(),
  };
  // One pending number at a time: an earlier unfinished one is dropped (with its codes).
  await ctx.db.kysely
    .deleteFrom('phone_enrollments')
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .execute();
  await ctx.db.kysely
    .insertInto('phone_enrollments')
    .values({
      id: enrollment.id,
      user_id: userId,
      e164: input.e164,
      channel: input.channel,
      replaces_factor_id: input.replacesFactorId,
      failures: 0,
      created_at: now.toISOString(),
      expires_at: enrollment.expiresAt,
      consumed_at: null,
    })
    .execute();
  return enrollment;
}

/** The user's pending enrolment, while it is unexpired, unconsumed and has wrong codes left. */
export async function liveEnrollment(ctx: Ctx, userId: string, enrollmentId: string): Promise<PhoneEnrollment | null> {
  const row = await ctx.db.kysely
    .selectFrom('phone_enrollments')
    .selectAll()
    .where('id', '=', enrollmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (
    !row ||
    row.consumed_at ||
    row.expires_at <= ctx.clock().toISOString() ||
    Number(row.failures) >= PHONE.enrollmentMaxFailures
  )
    return null;
  return {
    id: row.id,
    userId: row.user_id,
    e164: row.e164,
    channel: channelOf(row.channel),
    replacesFactorId: row.replaces_factor_id,
    expiresAt: row.expires_at,
  };
}

/** Counts one attempt before the code is checked; false once the attempts are spent (parallel-safe). */
export async function countEnrollmentAttempt(ctx: Ctx, enrollmentId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('phone_enrollments')
    .set({ failures: sql<number>`failures + 1` })
    .where('id', '=', enrollmentId)
    .where('failures', '<', PHONE.enrollmentMaxFailures)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function consumeEnrollment(ctx: Ctx, enrollmentId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('phone_enrollments')
    .set({ consumed_at: ctx.clock().toISOString() })
    .where('id', '=', enrollmentId)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function createPhoneFactor(
  ctx: Ctx,
  userId: string,
  e164: string,
  channel: PhoneChannel,
): Promise<PhoneFactorRow> {
  const now = ctx.clock().toISOString();
  const row: PhoneFactorRow = {
    id: randomId(),
    e164,
    channel,
    label: maskPhone(e164),
    createdAt: now,
    lastUsedAt: null,
  };
  await ctx.db.kysely
    .insertInto('phone_factors')
    .values({
      id: row.id,
      user_id: userId,
      e164,
      channel,
      label: row.label,
      verified_at: now,
      created_at: now,
      last_used_at: null,
    })
    .execute();
  return row;
}

export async function notePhoneUsed(ctx: Ctx, factorId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('phone_factors')
    .set({ last_used_at: ctx.clock().toISOString() })
    .where('id', '=', factorId)
    .execute();
}

export async function removePhone(ctx: Ctx, userId: string, factorId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .deleteFrom('phone_factors')
    .where('id', '=', factorId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function removeAllPhones(ctx: Ctx, userId: string): Promise<void> {
  await removeCodesOf(ctx, userId, 'phone');
  await ctx.db.kysely.deleteFrom('phone_enrollments').where('user_id', '=', userId).execute();
  await ctx.db.kysely.deleteFrom('phone_factors').where('user_id', '=', userId).execute();
}
