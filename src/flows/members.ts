/**
 * Members of an org: added directly (the operator's `twofold user add`), given another role, removed (or
 * leaving). Role changes and removals run with the org's row locked, one after another (src/orgs/store.ts
 * withOrgLocked), so an org never loses its last owner.
 */
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { acceptablePasswordFor, findUserByEmail, insertUser, parseEmail, type User } from '../accounts/service.ts';
import type { VerificationEmail } from '../accounts/verification.ts';
import { mayActAccountWide, mayManage, ownerCount, requireManager, roleIn, type Org } from '../orgs/service.ts';
import { addMember, deleteMembership, setMemberRole, withOrgLocked } from '../orgs/store.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { endOrgAppAccess } from '../oidc/adapter.ts';
import { sendEmailVerification } from './email-verification.ts';
import type { Operator } from './operator.ts';
import type { Acting } from './acting.ts';

/**
 * The operator adds a member. A new account needs an acceptable password, and its address — typed in by
 * someone else — gets a verification link (`verificationEmail`; null for an existing account, which only
 * gains the membership).
 */
export async function createMember(
  ctx: Ctx,
  _by: Operator,
  input: { readonly org: Org; readonly email: string; readonly role: Role; readonly password: string },
): Promise<User & { verificationEmail: VerificationEmail | null }> {
  const { org } = input;
  const email = parseEmail(input.email);
  const existing: User | null = await findUserByEmail(ctx, email);
  const user = existing ?? (await insertUser(ctx, email, acceptablePasswordFor(input.password, email, [org.name])));
  await addMember(ctx, org.id, user.id, input.role);
  await audit(ctx, null, {
    event: 'member.added',
    actorUserId: null,
    targetUserId: user.id,
    orgId: org.id,
    details: { role: input.role },
  });
  return { ...user, verificationEmail: existing ? null : await sendEmailVerification(ctx, user, null) };
}

/**
 * An owner or admin gives a member another role. Admins neither change owners nor make new ones; the last
 * owner stays an owner.
 */
export async function changeRole(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly role: Role },
): Promise<void> {
  const { session, meta } = by;
  const { orgId, userId, role } = input;
  await withOrgLocked(ctx, orgId, async (locked) => {
    const { role: actorRole } = await requireManager(locked, orgId, session.userId);
    const { role: targetRole } = await roleIn(locked, orgId, userId);
    if (!mayManage(actorRole, targetRole, role))
      throw new AppError('forbidden', { key: 'errors:messages.members.adminsChangeOwners' });
    if (targetRole === role) return;
    if (targetRole === 'owner' && (await ownerCount(locked, orgId)) <= 1) throw new AppError('last_owner');
    // Moving between client and staff roles moves the member into or out of a "staff" 2FA requirement:
    // that is when its grace period starts (src/core/enforcement.ts).
    const scopeChanged = (targetRole === 'client') !== (role === 'client');
    if (!(await setMemberRole(locked, orgId, userId, { from: targetRole, to: role, scopeChanged })))
      throw new AppError('conflict');
    await audit(locked, meta, {
      event: 'member.role_changed',
      actorUserId: session.userId,
      targetUserId: userId,
      orgId,
      details: { from: targetRole, to: role },
    });
  });
}

/**
 * An owner or admin removes a member, or a member leaves. The person keeps their account (they may belong
 * to other orgs); the org's apps lose them at once.
 */
export async function removeMember(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string },
): Promise<void> {
  const { session, meta } = by;
  const { orgId, userId } = input;
  await withOrgLocked(ctx, orgId, async (locked) => {
    const self = session.userId === userId;
    const { role: actorRole } = self
      ? await roleIn(locked, orgId, session.userId)
      : await requireManager(locked, orgId, session.userId);
    const { role: targetRole } = await roleIn(locked, orgId, userId);
    if (!self && !mayManage(actorRole, targetRole))
      throw new AppError('forbidden', { key: 'errors:messages.members.adminsRemoveOwners' });
    if (targetRole === 'owner' && (await ownerCount(locked, orgId)) <= 1) throw new AppError('last_owner');
    await deleteMembership(locked, orgId, userId);
    // Ending every session is account-wide, so only when the actor manages them in every org they still
    // belong to (or none is left) — otherwise the other orgs' sessions and apps are not this org's to end.
    await endOrgAppAccess(locked, userId, orgId);
    if (!self && (await mayActAccountWide(locked, session.userId, userId)))
      await revokeAllSessions(locked, userId, null);
    await audit(locked, meta, {
      event: 'member.removed',
      actorUserId: session.userId,
      targetUserId: userId,
      orgId,
      details: { role: targetRole },
    });
  });
}
