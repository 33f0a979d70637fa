/**
 * The 2FA check-up columns of `users` (docs/decisions.md "2FA check-up"): their reads and the two writes
 * (done, skipped). Turning 2FA on starts a new check-up (src/accounts/store.ts turnTwoFactorOn).
 */
import type { Ctx } from '../context.ts';
import { checkupStatus, type CheckupStatus } from '../core/checkup.ts';

export interface CheckupView {
  readonly status: CheckupStatus;
  readonly skips: number;
  readonly doneAt: string | null;
}

export async function checkupsOf(ctx: Ctx, userIds: readonly string[]): Promise<Map<string, CheckupView>> {
  if (userIds.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'two_factor_enabled', 'two_factor_enabled_at', 'checkup_done_at', 'checkup_skips'])
    .where('id', 'in', userIds)
    .execute();
  const now = ctx.clock();
  return new Map(
    rows.map((r) => {
      const skips = Number(r.checkup_skips);
      const state = {
        twoFactorEnabled: Number(r.two_factor_enabled) === 1,
        enabledAt: r.two_factor_enabled_at,
        doneAt: r.checkup_done_at,
        skips,
      };
      return [r.id, { status: checkupStatus(state, now), skips, doneAt: r.checkup_done_at }];
    }),
  );
}

export async function checkupOf(ctx: Ctx, userId: string): Promise<CheckupView> {
  return (await checkupsOf(ctx, [userId])).get(userId) ?? { status: 'none', skips: 0, doneAt: null };
}

/** Records the check-up as done; false when it was not open (done already, or 2FA off). */
export async function markCheckupDone(ctx: Ctx, userId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('users')
    .set({ checkup_done_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .where('two_factor_enabled', '=', 1)
    .where('checkup_done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Counts one skip (compare-and-swap on the count the caller saw); false when another answer came first. */
export async function markCheckupSkipped(ctx: Ctx, userId: string, skipsSeen: number): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('users')
    .set({ checkup_skips: skipsSeen + 1, checkup_skipped_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .where('checkup_done_at', 'is', null)
    .where('checkup_skips', '=', skipsSeen)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
