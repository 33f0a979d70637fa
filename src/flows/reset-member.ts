/**
 * An owner or admin resets a member's two-factor authentication (sudo): factors, backup codes, trusted
 * browsers and sessions go (docs/product.md "Org security settings"). Admins cannot reset owners; nobody resets
 * themselves here; and since the reset is account-wide, the actor needs authority over the person in every
 * org they belong to. The operator's path is `twofold reset-2fa`.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { resetTwoFactor } from './two-factor.ts';
import { findMember, mayManage, requireAccountWideAuthority, requireManager } from '../orgs/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

export async function resetMemberTwoFactor(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly reason: string },
): Promise<void> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { orgId, userId } = input;
  const { role: actorRole } = await requireManager(ctx, orgId, session.userId);
  if (session.userId === userId)
    throw new AppError('forbidden', {
      message: 'You cannot reset your own two-factor authentication here. Use your Security page.',
    });
  const target = await findMember(ctx, orgId, userId);
  if (!mayManage(actorRole, target.role))
    throw new AppError('forbidden', { message: "Admins cannot reset an owner's two-factor authentication." });
  await requireAccountWideAuthority(ctx, session.userId, userId, 'reset their two-factor authentication');
  await resetTwoFactor(
    ctx,
    { id: target.userId, email: target.email },
    { actorUserId: session.userId, orgId, reason: input.reason.trim() || 'no reason given' },
    meta,
  );
}
