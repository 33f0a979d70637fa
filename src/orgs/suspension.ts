/**
 * An org admin suspends or reactivates a member's account. Suspension is account-wide (every org the
 * person belongs to loses them), so besides the usual role rule the actor needs authority over the
 * person in every one of their orgs; the CLI (`twofold user suspend`) is the operator's path.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { reactivateAccount, suspendAccount } from '../accounts/suspension.ts';
import { mayManage, requireAccountWideAuthority, requireManager, roleIn } from './service.ts';

export async function setMemberSuspended(
  ctx: Ctx,
  actorUserId: string,
  orgId: string,
  targetUserId: string,
  change: { suspended: boolean; reason: string },
  meta: RequestMeta,
): Promise<{ changed: boolean }> {
  const { role: actorRole } = await requireManager(ctx, orgId, actorUserId);
  if (actorUserId === targetUserId)
    throw new AppError('forbidden', { message: 'You cannot suspend or reactivate your own account.' });
  const { role: targetRole } = await roleIn(ctx, orgId, targetUserId);
  if (!mayManage(actorRole, targetRole))
    throw new AppError('forbidden', { message: 'Admins cannot suspend or reactivate owners.' });
  await requireAccountWideAuthority(
    ctx,
    actorUserId,
    targetUserId,
    change.suspended ? 'suspend this account' : 'reactivate this account',
  );
  const target = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', '=', targetUserId)
    .executeTakeFirstOrThrow();
  const by = { actorUserId, orgId, reason: change.reason.trim() || 'no reason given' };
  const changed = change.suspended
    ? await suspendAccount(ctx, target, by, meta)
    : await reactivateAccount(ctx, target, by, meta);
  return { changed };
}
