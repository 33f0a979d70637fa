/**
 * An admin resets a member's 2FA (PRODUCT.md "Org security settings"): owner or admin (sudo checked by the
 * entry point); admins cannot reset owners; nobody resets themselves here; a member of other orgs only by
 * someone with authority over the whole account. Then the reset itself (./two-factor.ts).
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { Role } from '../db/schema.ts';
import { mayManage, requireAccountWideAuthority, requireManager, roleIn } from '../orgs/service.ts';
import { resetTwoFactor } from './two-factor.ts';

/** Resets the 2FA of `targetUserId` in `orgId` for `actorUserId`, with the reason given. */
export async function resetMemberTwoFactor(
  ctx: Ctx,
  actorUserId: string,
  orgId: string,
  targetUserId: string,
  reason: string,
  meta: RequestMeta,
): Promise<void> {
  const { role: actorRole } = await requireManager(ctx, orgId, actorUserId);
  if (actorUserId === targetUserId)
    throw new AppError('forbidden', {
      message: 'You cannot reset your own two-factor authentication here. Use your Security page.',
    });
  const { role: targetRole } = await roleIn(ctx, orgId, targetUserId);
  if (!mayManage(actorRole, targetRole as Role))
    throw new AppError('forbidden', { message: "Admins cannot reset an owner's two-factor authentication." });
  await requireAccountWideAuthority(ctx, actorUserId, targetUserId, 'reset their two-factor authentication');
  const target = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', '=', targetUserId)
    .executeTakeFirstOrThrow();
  await resetTwoFactor(ctx, target, { actorUserId, orgId, reason: reason.trim() || 'no reason given' }, meta);
}
