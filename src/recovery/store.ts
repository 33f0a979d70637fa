/**
 * The only writer of `recoveries`. A recovery row moves through its states here, each by a
 * compare-and-swap on its status: emailed → pending → completed, or cancelled / superseded on the way; an
 * org that turned self-service recovery off gets a needs_admin request instead, resolved by an admin reset.
 */
import { RECOVERY } from '../config/defaults.ts';
import { randomId, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import type { Ctx } from '../context.ts';

function newRow(ctx: Ctx, userId: string, ip: string) {
  return {
    id: randomId(),
    user_id: userId,
    link_token_hash: null,
    link_expires_at: null,
    cancel_token_hash: null,
    created_at: ctx.clock().toISOString(),
    started_at: null,
    completes_at: null,
    ended_at: null,
    ip,
  };
}

/** Records that the person asked an admin for help; false when such a request is already open. */
export async function requestAdminHelp(ctx: Ctx, userId: string, ip: string): Promise<boolean> {
  const open = await ctx.db.kysely
    .selectFrom('recoveries')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'needs_admin')
    .executeTakeFirst();
  if (open) return false;
  await ctx.db.kysely
    .insertInto('recoveries')
    .values({ ...newRow(ctx, userId, ip), status: 'needs_admin' })
    .execute();
  return true;
}

/** Stores an emailed recovery link (its token's hash), valid for RECOVERY.linkSeconds. */
export async function insertEmailedRecovery(ctx: Ctx, userId: string, token: string, ip: string): Promise<void> {
  await ctx.db.kysely
    .insertInto('recoveries')
    .values({
      ...newRow(ctx, userId, ip),
      status: 'emailed',
      link_token_hash: sha256Hex(token),
      link_expires_at: addSeconds(ctx.clock(), RECOVERY.linkSeconds).toISOString(),
    })
    .execute();
}

/** The emailed, unexpired recovery the link names, with its account's address; null otherwise. */
export async function findEmailedRecovery(
  ctx: Ctx,
  token: string,
): Promise<{
  readonly id: string;
  readonly userId: string;
  readonly email: string;
  readonly locale: string | null;
  readonly timeZone: string | null;
} | null> {
  const row = await ctx.db.kysely
    .selectFrom('recoveries as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'r.status', 'r.link_expires_at', 'u.email', 'u.locale', 'u.time_zone'])
    .where('r.link_token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.status !== 'emailed' || !row.link_expires_at || row.link_expires_at <= ctx.clock().toISOString())
    return null;
  return { id: row.id, userId: row.user_id, email: row.email, locale: row.locale, timeZone: row.time_zone };
}

/**
 * Starts the delay of an emailed recovery (compare-and-swap: false when it was no longer emailed), and
 * supersedes every other open recovery of the same account.
 */
export async function startDelay(
  ctx: Ctx,
  recovery: { readonly id: string; readonly userId: string },
  completesAt: string,
  cancelToken: string,
): Promise<boolean> {
  const now = ctx.clock().toISOString();
  const started = await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'pending', started_at: now, completes_at: completesAt, cancel_token_hash: sha256Hex(cancelToken) })
    .where('id', '=', recovery.id)
    .where('status', '=', 'emailed')
    .executeTakeFirst();
  if (Number(started.numUpdatedRows) !== 1) return false;
  await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'superseded', ended_at: now })
    .where('user_id', '=', recovery.userId)
    .where('id', '!=', recovery.id)
    .where('status', 'in', ['emailed', 'pending'])
    .execute();
  return true;
}

/** Open (emailed or pending) recoveries, by their cancel link or of one account. */
export async function openRecoveries(
  ctx: Ctx,
  filter: { readonly cancelToken: string } | { readonly userId: string },
): Promise<Array<{ readonly id: string; readonly userId: string }>> {
  let q = ctx.db.kysely
    .selectFrom('recoveries')
    .select(['id', 'user_id'])
    .where('status', 'in', ['emailed', 'pending']);
  q =
    'cancelToken' in filter
      ? q.where('cancel_token_hash', '=', sha256Hex(filter.cancelToken))
      : q.where('user_id', '=', filter.userId);
  return (await q.execute()).map((r) => ({ id: r.id, userId: r.user_id }));
}

/** Cancels an open recovery (compare-and-swap: false when it was no longer open). */
export async function cancelOpenRecovery(ctx: Ctx, id: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'cancelled', ended_at: ctx.clock().toISOString() })
    .where('id', '=', id)
    .where('status', 'in', ['emailed', 'pending'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The id of the account's pending recovery whose delay has run out, if any. */
export async function dueRecovery(ctx: Ctx, userId: string): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('recoveries')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .where('completes_at', '<=', ctx.clock().toISOString())
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Completes a pending recovery (compare-and-swap: true only for the one call that did). */
export async function completeRecovery(ctx: Ctx, id: string): Promise<boolean> {
  const done = await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'completed', ended_at: ctx.clock().toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** Members of an org who asked for help while self-service recovery is off. */
/** Answers a member's "needs reset" requests (their 2FA was reset). */
export async function resolveAdminHelp(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'resolved', ended_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .where('status', '=', 'needs_admin')
    .execute();
}

export async function openAdminRequests(ctx: Ctx, orgId: string): Promise<Set<string>> {
  const rows = await ctx.db.kysely
    .selectFrom('recoveries as r')
    .innerJoin('memberships as m', 'm.user_id', 'r.user_id')
    .select('r.user_id')
    .where('m.org_id', '=', orgId)
    .where('r.status', '=', 'needs_admin')
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
