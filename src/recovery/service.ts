/**
 * Lost everything (docs/product.md "Recovery when everything is lost"): what the recovery flows
 * (src/flows/recovery.ts) and the sign-in ask of this module besides its store — which orgs turned
 * self-service recovery off for a person, cancelling their open recoveries (a sign-in with a second factor
 * proves the person still has one), and completing a due one at the password step.
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { recoveryBlockedUntil } from './guard.ts';
import { cancelOpenRecovery, completeRecovery, dueRecovery, openRecoveries, resolveAdminHelp } from './store.ts';

/** Org names that turned self-service recovery off for this user (strictest wins). */
export async function orgsWithoutSelfService(ctx: Ctx, userId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select('o.name')
    .where('m.user_id', '=', userId)
    .where('o.self_service_recovery', '=', 0)
    .execute();
  return rows.map((r) => r.name);
}

/**
 * Cancels open recoveries — by their cancel link, or every one of an account (from a signed-in session, or
 * because the person just signed in with a second factor) — each audited. Returns how many.
 */
export async function cancelRecoveries(
  ctx: Ctx,
  filter: { readonly cancelToken: string } | { readonly userId: string },
  reason: 'cancel_link' | 'signed_in_session' | 'signed_in_with_factor',
  meta: RequestMeta | null,
): Promise<number> {
  let cancelled = 0;
  for (const recovery of await openRecoveries(ctx, filter)) {
    if (!(await cancelOpenRecovery(ctx, recovery.id))) continue;
    cancelled += 1;
    await audit(ctx, meta, {
      event: 'recovery.cancelled',
      actorUserId: recovery.userId,
      targetUserId: recovery.userId,
      details: { reason },
    });
  }
  return cancelled;
}

/** Cancel from a signed-in session, or because the person just signed in with a second factor. */
export async function cancelRecoveriesOf(
  ctx: Ctx,
  userId: string,
  reason: 'signed_in_session' | 'signed_in_with_factor',
  meta: RequestMeta | null,
): Promise<number> {
  return cancelRecoveries(ctx, { userId }, reason, meta);
}

/**
 * For the password step: when a recovery is due, mark it completed (compare-and-swap; true only for the one
 * call that did). A recovery still pending when the password is reset by email is not cancelled, but it
 * cannot complete until the week after that reset has passed (it stays pending and shown with that later
 * date); the refusal is audited.
 */
export async function claimDueRecovery(
  ctx: Ctx,
  user: { id: string; email: string },
  meta: RequestMeta,
): Promise<boolean> {
  const due = await dueRecovery(ctx, user.id);
  if (!due) return false;
  const blockedUntil = await recoveryBlockedUntil(ctx, user.id);
  if (blockedUntil) {
    await audit(ctx, meta, {
      event: 'recovery.refused',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { step: 'complete', reason: 'recent_password_reset', availableAt: blockedUntil },
    });
    return false;
  }
  return completeRecovery(ctx, due);
}

/** After a 2FA reset: the member's "needs reset" requests are answered. */
export async function resolveAdminRequests(ctx: Ctx, userId: string): Promise<void> {
  await resolveAdminHelp(ctx, userId);
}
