/**
 * Email-code storage: the factor (one per account; codes go to the account's address) and pending "add
 * email codes" enrolments. The enrolment is consumed by compare-and-swap, and its wrong codes are counted
 * before each check (5, then it is dead). The codes themselves live in the shared sent codes (../sent-codes.ts).
 */
import { sql } from 'kysely';
import { EMAIL_CODE } from '../../config/defaults.ts';
import { randomId } from '../../crypto/index.ts';
import { addSeconds } from '../../core/clock.ts';
import type { Ctx } from '../../context.ts';
import { removeCodesOf } from '../sent-codes.ts';

export interface EmailFactorRow {
  readonly id: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export async function emailFactorOf(ctx: Ctx, userId: string): Promise<EmailFactorRow | null> {
  const row = await ctx.db.kysely
    .selectFrom('email_factors')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { id: row.id, createdAt: row.created_at, lastUsedAt: row.last_used_at } : null;
}

export async function startEmailEnrollment(ctx: Ctx, userId: string): Promise<{ id: string; expiresAt: string }> {
  const now = ctx.clock();
  const enrollment = { id: randomId(), expiresAt: addSeconds(now, EMAIL_CODE.enrollmentSeconds).toISOString() };
  // One pending setup at a time: an earlier unfinished one is dropped (with its codes).
  await ctx.db.kysely
    .deleteFrom('email_enrollments')
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .execute();
  await ctx.db.kysely
    .insertInto('email_enrollments')
    .values({
      id: enrollment.id,
      user_id: userId,
      failures: 0,
      created_at: now.toISOString(),
      expires_at: enrollment.expiresAt,
      consumed_at: null,
    })
    .execute();
  return enrollment;
}

/** The user's pending setup, while it is unexpired, unconsumed and has wrong codes left. */
export async function liveEmailEnrollment(ctx: Ctx, userId: string, enrollmentId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('email_enrollments')
    .selectAll()
    .where('id', '=', enrollmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (
    !!row &&
    !row.consumed_at &&
    row.expires_at > ctx.clock().toISOString() &&
    Number(row.failures) < EMAIL_CODE.enrollmentMaxFailures
  );
}

/** Counts one attempt before the code is checked; false once the attempts are spent (parallel-safe). */
export async function countEmailEnrollmentAttempt(ctx: Ctx, enrollmentId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('email_enrollments')
    .set({ failures: sql<number>`failures + 1` })
    .where('id', '=', enrollmentId)
    .where('failures', '<', EMAIL_CODE.enrollmentMaxFailures)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function emailEnrollmentAttemptsLeft(ctx: Ctx, enrollmentId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('email_enrollments')
    .select('failures')
    .where('id', '=', enrollmentId)
    .executeTakeFirst();
  return Math.max(0, EMAIL_CODE.enrollmentMaxFailures - Number(row?.failures ?? EMAIL_CODE.enrollmentMaxFailures));
}

export async function consumeEmailEnrollment(ctx: Ctx, enrollmentId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('email_enrollments')
    .set({ consumed_at: ctx.clock().toISOString() })
    .where('id', '=', enrollmentId)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stores the factor; null when the person already has one (a parallel setup finished first). */
export async function createEmailFactor(ctx: Ctx, userId: string): Promise<EmailFactorRow | null> {
  const row: EmailFactorRow = { id: randomId(), createdAt: ctx.clock().toISOString(), lastUsedAt: null };
  const inserted = await ctx.db.kysely
    .insertInto('email_factors')
    .values({ id: row.id, user_id: userId, created_at: row.createdAt, last_used_at: null })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? row : null;
}

export async function noteEmailFactorUsed(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('email_factors')
    .set({ last_used_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .execute();
}

export async function removeEmailFactor(ctx: Ctx, userId: string, factorId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .deleteFrom('email_factors')
    .where('id', '=', factorId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function removeAllEmailFactors(ctx: Ctx, userId: string): Promise<void> {
  await removeCodesOf(ctx, userId, 'email');
  await ctx.db.kysely.deleteFrom('email_enrollments').where('user_id', '=', userId).execute();
  await ctx.db.kysely.deleteFrom('email_factors').where('user_id', '=', userId).execute();
}
