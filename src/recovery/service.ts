/**
 * Lost everything (PRODUCT.md "Recovery when everything is lost"): what the recovery flows
 * (src/flows/recovery.ts) and the sign-in ask of this module besides its store — which orgs turned
 * self-service recovery off for a person, and cancelling their open recoveries (a sign-in with a second
 * factor proves the person still has one).
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { cancelOpenRecovery, openRecoveries } from './store.ts';

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
