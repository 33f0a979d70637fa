/**
 * The `users` table's only writer. Every change to an account row — password, 2FA state, default method,
 * sign-in time, verification, suspension — is one named function here, so a reader finds every way an
 * account changes in one place. Reads may happen elsewhere; writes may not.
 */
import type { Ctx } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { AppError } from '../errors.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { preparedWrite } from '../db/prepared.ts';

export interface NewUserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string | null;
  /** Imported accounts arrive with an authenticator app already set up. */
  readonly twoFactorEnabled?: boolean;
}

function insertValues(row: NewUserRow, now: string) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    password_hash: row.passwordHash,
    two_factor_enabled: row.twoFactorEnabled ? 1 : 0,
    default_method: null,
    two_factor_reset_at: null,
    two_factor_enabled_at: row.twoFactorEnabled ? now : null,
    created_at: now,
    updated_at: now,
    last_sign_in_at: null,
  };
}

/** Inserts one account; `email_taken` when the address is already used. */
export async function insertUserRow(ctx: Ctx, row: NewUserRow): Promise<void> {
  try {
    await ctx.db.kysely.insertInto('users').values(insertValues(row, ctx.clock().toISOString())).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken');
    throw error;
  }
}

/** Inserts many accounts at once (import, inside its batch transaction). */
export async function insertUserRows(ctx: Ctx, rows: readonly NewUserRow[]): Promise<void> {
  if (rows.length === 0) return;
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('users')
    .values(rows.map((row) => insertValues(row, now)))
    .execute();
}

export async function setPasswordHash(ctx: Ctx, userId: string, hash: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('users')
    .set({ password_hash: hash, updated_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** The person put the onboarding checklist away (kept: it does not come back). */
export async function setOnboardingDismissed(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('users')
    .set({ onboarding_dismissed_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .where('onboarding_dismissed_at', 'is', null)
    .execute();
}

/** Saves the person's language and time zone (undefined: left as it is; null: no preference). */
export async function setPreferences(
  ctx: Ctx,
  userId: string,
  change: { readonly locale?: string | null; readonly timeZone?: string | null },
): Promise<void> {
  const set = {
    ...(change.locale !== undefined ? { locale: change.locale } : {}),
    ...(change.timeZone !== undefined ? { time_zone: change.timeZone } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await ctx.db.kysely
    .updateTable('users')
    .set({ ...set, updated_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** Records a password reset by email (recovery waits a week after one). */
export async function setPasswordResetAt(ctx: Ctx, userId: string, at: string): Promise<void> {
  await ctx.db.kysely.updateTable('users').set({ password_reset_at: at }).where('id', '=', userId).execute();
}

/** The method offered first at the second step (null: the first one the person has). */
export async function setDefaultMethod(ctx: Ctx, userId: string, method: string | null): Promise<void> {
  await ctx.db.kysely.updateTable('users').set({ default_method: method }).where('id', '=', userId).execute();
}

/** Turns 2FA on when it was off (compare-and-swap: true only for the call that turned it on). */
export async function turnTwoFactorOn(ctx: Ctx, userId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('users')
    .set({
      two_factor_enabled: 1,
      two_factor_reset_at: null,
      updated_at: ctx.clock().toISOString(),
      // A fresh start of 2FA: its check-up comes 28 days from now.
      two_factor_enabled_at: ctx.clock().toISOString(),
      checkup_done_at: null,
      checkup_skipped_at: null,
      checkup_skips: 0,
    })
    .where('id', '=', userId)
    .where('two_factor_enabled', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function turnTwoFactorOff(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('users')
    .set({ two_factor_enabled: 0, default_method: null, updated_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .execute();
}

/** After an admin reset or a recovery: a required 2FA is enrolled again before anything else. */
export async function markTwoFactorReset(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('users')
    .set({ two_factor_reset_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .execute();
}

const lastSignIn = preparedWrite((db: Kysely<Database>, userId: string, at: string) =>
  db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId),
);

export async function touchLastSignIn(ctx: Ctx, userId: string): Promise<void> {
  await lastSignIn(ctx.db.kysely, userId, ctx.clock().toISOString());
}

/** Marks the address verified; true only the first time. */
export async function markEmailVerifiedRow(ctx: Ctx, userId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('users')
    .set({ email_verified_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Suspends (true) or reactivates (false) the account; true only when that changed it. */
export async function setSuspended(ctx: Ctx, userId: string, suspended: boolean): Promise<boolean> {
  const now = ctx.clock().toISOString();
  const result = await ctx.db.kysely
    .updateTable('users')
    .set({ suspended_at: suspended ? now : null, updated_at: now })
    .where('id', '=', userId)
    .where('suspended_at', suspended ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
