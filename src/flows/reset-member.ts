/**
 * An owner or admin resets a member's two-factor authentication (sudo): factors, backup codes, trusted
 * browsers and sessions go (docs/product.md "Org security settings"). Admins cannot reset owners; nobody resets
 * themselves here; and since the reset is account-wide, the actor needs authority over the person in every
 * org they belong to. The operator's path is `twofold reset-2fa`.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { resetTwoFactor } from './two-factor.ts';
import { accountWideRefusal, findMember, mayActAccountWide, mayManage, requireManager } from '../orgs/service.ts';
import type { Role } from '../db/schema.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

/** A member as the reset rule needs them. */
interface ResetTarget {
  readonly userId: string;
  readonly role: Role;
}

/**
 * The one rule of who may reset whose 2FA here, as the refusal it would give (null: allowed). The reset
 * throws it; the compliance view offers "Reset 2FA" only where it is null.
 */
export async function resetRefusal(
  ctx: Ctx,
  actor: { readonly userId: string; readonly role: Role },
  target: ResetTarget,
): Promise<AppError | null> {
  if (actor.userId === target.userId) return new AppError('forbidden', { key: 'errors:messages.members.selfReset' });
  if (!mayManage(actor.role, target.role))
    return new AppError('forbidden', { key: 'errors:messages.members.adminsResetOwner' });
  if (!(await mayActAccountWide(ctx, actor.userId, target.userId))) return accountWideRefusal('resetTwoFactor');
  return null;
}

export async function resetMemberTwoFactor(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly reason: string },
): Promise<void> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { orgId, userId } = input;
  const { role: actorRole } = await requireManager(ctx, orgId, session.userId);
  const target = await findMember(ctx, orgId, userId);
  const refusal = await resetRefusal(ctx, { userId: session.userId, role: actorRole }, target);
  if (refusal) throw refusal;
  await resetTwoFactor(
    ctx,
    { id: target.userId, email: target.email, locale: target.locale, timeZone: target.timeZone },
    { actorUserId: session.userId, orgId, reason: input.reason.trim() || 'no reason given' },
    meta,
  );
}
