/**
 * The mailbox alone never removes two-factor authentication (docs/product.md "Recovery when everything is
 * lost"). A password reset by emailed link proves only the mailbox, and a recovery link proves only the
 * mailbox again: within RECOVERY.afterPasswordResetSeconds of such a reset no recovery is requested, no
 * recovery link starts one, and no pending recovery completes. Every recovery step asks here, and what a
 * signed-in session is shown about recovery (the banner, GET /api/v1/session) is computed here too.
 */
import { DAY_SECONDS, RECOVERY } from '../config/defaults.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import type { Expression, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { setPasswordResetAt } from '../accounts/store.ts';

export type RecoveryStep = 'request' | 'start' | 'complete';

/** When recovery becomes possible again after the last password reset by email; null when it is now. */
export async function recoveryBlockedUntil(ctx: Ctx, userId: string, now: Date = ctx.clock()): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('password_reset_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row?.password_reset_at) return null;
  const until = addSeconds(new Date(row.password_reset_at), RECOVERY.afterPasswordResetSeconds).toISOString();
  return until > now.toISOString() ? until : null;
}

export function recoveryUnavailable(until: string): AppError {
  const days = Math.round(RECOVERY.afterPasswordResetSeconds / DAY_SECONDS);
  return new AppError('recovery_unavailable', {
    // A moment: English readers get it as the API has always written it, others in their language and zone.
    key: 'errors:messages.recovery.unavailable',
    values: { when: until, days },
    details: { availableAt: until },
  });
}

/** Throws recovery_unavailable (audited) while a recent password reset by email blocks recovery. */
export async function assertRecoveryAllowed(
  ctx: Ctx,
  userId: string,
  step: RecoveryStep,
  meta: RequestMeta | null,
): Promise<void> {
  const until = await recoveryBlockedUntil(ctx, userId);
  if (!until) return;
  await audit(ctx, meta, {
    event: 'recovery.refused',
    actorUserId: userId,
    targetUserId: userId,
    details: { step, reason: 'recent_password_reset', availableAt: until },
  });
  throw recoveryUnavailable(until);
}

/**
 * Called by the password reset before the new password is stored: from now on recovery waits a week.
 * Written first, so that a crash in between leaves recovery blocked rather than a reset that went unnoticed.
 */
export async function noteEmailPasswordReset(ctx: Ctx, userId: string, at: string): Promise<void> {
  await setPasswordResetAt(ctx, userId, at);
}

export interface PendingRecovery {
  readonly id: string;
  readonly startedAt: string | null;
  /** When the next password sign-in removes the factors: the delay's end, or later if a reset blocks it. */
  readonly completesAt: string;
  /** A password reset by email since pushed completion past the delay's end. */
  readonly delayedByPasswordReset: boolean;
}

/** The started recovery of the user (link opened, neither completed nor cancelled), with its real end. */
export async function pendingRecovery(ctx: Ctx, userId: string): Promise<PendingRecovery | null> {
  const row = await ctx.db.kysely
    .selectFrom('recoveries')
    .select(['id', 'started_at', 'completes_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!row?.completes_at) return null;
  const blockedUntil = await recoveryBlockedUntil(ctx, userId);
  const delayed = blockedUntil !== null && blockedUntil > row.completes_at;
  return {
    id: row.id,
    startedAt: row.started_at,
    completesAt: delayed ? blockedUntil : row.completes_at,
    delayedByPasswordReset: delayed,
  };
}

/** A recovery that is not yet started (link emailed) or pending: what a password reset leaves in place. */
export async function openRecovery(
  ctx: Ctx,
  userId: string,
): Promise<{ readonly pending: PendingRecovery | null; readonly linkEmailed: boolean }> {
  const emailed = await ctx.db.kysely
    .selectFrom('recoveries')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'emailed')
    .where('link_expires_at', '>', ctx.clock().toISOString())
    .executeTakeFirst();
  return { pending: await pendingRecovery(ctx, userId), linkEmailed: emailed !== undefined };
}

export type RecoveryNotice =
  | ({ readonly status: 'pending' } & Omit<PendingRecovery, 'id'>)
  | { readonly status: 'completed'; readonly completedAt: string };

/** Pending and lately completed recoveries: read on every signed-in page and session answer, with the session. */
export function recentRecoveriesQuery(db: Kysely<Database>, userId: string | Expression<string>, since: string) {
  return db
    .selectFrom('recoveries')
    .select(['status', 'ended_at'])
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'completed'), eb('ended_at', '>=', since)])]),
    );
}
export type RecentRecovery = Awaited<ReturnType<ReturnType<typeof recentRecoveriesQuery>['execute']>>[number];

const recentRecoveries = prepared((db: Kysely<Database>, userId: string, since: string) =>
  recentRecoveriesQuery(db, userId, since),
);

/** Since when a completed recovery is still told (RECOVERY.completedNoticeSeconds before `now`). */
export function recoveryNoticeSince(now: Date): string {
  return addSeconds(now, -RECOVERY.completedNoticeSeconds).toISOString();
}

/**
 * What every signed-in session is told: a pending recovery (with its real end and how to cancel it on the
 * page), or a recovery that completed within RECOVERY.completedNoticeSeconds.
 * `known`: the rows recentRecoveriesQuery gave for this request already (the session check reads them with
 * the session), else they are read here.
 */
export async function recoveryNotice(
  ctx: Ctx,
  userId: string,
  known?: readonly RecentRecovery[],
): Promise<RecoveryNotice | null> {
  // One read for the common answers (nothing, or a recent completion); a pending one also needs its real end.
  const rows = known ?? (await recentRecoveries(ctx.db.kysely, userId, recoveryNoticeSince(ctx.clock())));
  if (rows.some((r) => r.status === 'pending')) {
    const pending = await pendingRecovery(ctx, userId);
    if (pending)
      return {
        status: 'pending',
        startedAt: pending.startedAt,
        completesAt: pending.completesAt,
        delayedByPasswordReset: pending.delayedByPasswordReset,
      };
  }
  const latest = rows
    .filter((r) => r.status === 'completed' && r.ended_at)
    .map((r) => r.ended_at as string)
    .sort()
    .at(-1);
  return latest ? { status: 'completed', completedAt: latest } : null;
}
