/**
 * Invitations by email: 7 days, single use, accepted with a new password or the existing account's.
 * Sending and accepting are throttled per client address (an accept link is a bearer secret).
 */
import { RATE_LIMITS, TOKENS } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { Role } from '../db/schema.ts';
import { mailTemplates } from '../mail/templates.ts';
import { acceptablePasswordFor, checkCredentials, insertUser, parseEmail, type User } from '../accounts/service.ts';
import { mayManage, requireManager } from '../orgs/service.ts';
import { findInvitation, isMemberByEmail, type InvitationView, type PendingInvitation } from '../orgs/invitations.ts';
import {
  addMember,
  consumeInvitation,
  insertInvitation,
  restoreInvitation,
  revokeInvitationRow,
} from '../orgs/store.ts';
import { markEmailVerified } from './email-verification.ts';
import { limitByIp } from './limits.ts';
import { afterPassword, type BrowserTokens, type PasswordStepResult } from './sign-in.ts';
import type { Acting } from './acting.ts';

/** An owner or admin invites someone by email; only an owner invites another owner. */
export async function invite(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly email: string; readonly role: Role },
): Promise<{ invitation: InvitationView; emailDelivered: boolean }> {
  const { session, meta } = by;
  await limitByIp(ctx, meta, 'invitation', RATE_LIMITS.invitation);
  const { orgId } = input;
  const { org, role: actorRole } = await requireManager(ctx, orgId, session.userId);
  if (!mayManage(actorRole, input.role, input.role))
    throw new AppError('forbidden', { key: 'errors:messages.members.ownerInvitesOwner' });
  const email = parseEmail(input.email);
  if (await isMemberByEmail(ctx, orgId, email))
    throw new AppError('conflict', { key: 'errors:messages.members.alreadyMember', details: { field: 'email' } });
  const now = ctx.clock();
  const token = randomToken(TOKENS.bytes);
  const invitation: InvitationView = {
    id: randomId(),
    email,
    role: input.role,
    createdAt: now.toISOString(),
    expiresAt: addSeconds(now, TOKENS.invitationSeconds).toISOString(),
    status: 'pending',
  };
  await insertInvitation(ctx, {
    id: invitation.id,
    orgId,
    email,
    role: input.role,
    tokenHash: sha256Hex(token),
    invitedBy: session.userId,
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
  });
  await audit(ctx, meta, {
    event: 'invitation.sent',
    actorUserId: session.userId,
    orgId,
    details: { email, role: input.role, invitationId: invitation.id },
  });
  const { delivered } = await ctx.mail.send(
    // The invitee has no saved language yet: the inviter's (docs/decisions.md "The language of an invitation").
    mailTemplates.invitation(
      { email, locale: session.user.locale, timeZone: session.user.timeZone },
      {
        productName: ctx.config.productName,
        orgName: org.name,
        inviterEmail: session.user.email,
        role: input.role,
        url: link(ctx, `/invitations/accept?token=${encodeURIComponent(token)}`),
        expiresAt: invitation.expiresAt,
      },
    ),
    now,
  );
  return { invitation, emailDelivered: delivered };
}

export async function revokeInvitation(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly invitationId: string },
): Promise<void> {
  const { session, meta } = by;
  const { orgId, invitationId } = input;
  await requireManager(ctx, orgId, session.userId);
  if (!(await revokeInvitationRow(ctx, orgId, invitationId))) throw new AppError('not_found');
  await audit(ctx, meta, {
    event: 'invitation.revoked',
    actorUserId: session.userId,
    orgId,
    details: { invitationId },
  });
}

/**
 * Accepts an invitation: a new person sets a password; a person who already has an account proves it
 * with that account's password. The invitation is consumed by compare-and-swap (single use), and the
 * link having gone to the address verifies it.
 */
export async function acceptInvitation(
  ctx: Ctx,
  input: { readonly token: string; readonly password: string; readonly name?: string },
  meta: RequestMeta,
): Promise<User> {
  await limitByIp(ctx, meta, 'invitation', RATE_LIMITS.invitation);
  const invitation = await findInvitation(ctx, input.token);
  if (!invitation) throw new AppError('invalid_token');
  const user = invitation.accountExists
    ? await joinWithAccount(ctx, invitation, input.password, meta)
    : await joinWithNewAccount(ctx, invitation, input);
  await addMember(ctx, invitation.orgId, user.id, invitation.role);
  await audit(ctx, meta, {
    event: 'invitation.accepted',
    actorUserId: user.id,
    targetUserId: user.id,
    orgId: invitation.orgId,
    details: { role: invitation.role },
  });
  await markEmailVerified(ctx, user.id, 'invitation', meta);
  return user;
}

/**
 * Accepting on the page signs the person in at once: they have just chosen (or proved) the password, so
 * they are not asked for it again. A second factor, if they have one, is still asked (the challenge).
 */
export async function acceptInvitationAndSignIn(
  ctx: Ctx,
  input: { readonly token: string; readonly password: string; readonly name?: string },
  meta: RequestMeta,
  browser: BrowserTokens,
): Promise<PasswordStepResult> {
  const user = await acceptInvitation(ctx, input, meta);
  return afterPassword(ctx, user, false, meta, browser);
}

async function joinWithAccount(
  ctx: Ctx,
  invitation: PendingInvitation,
  password: string,
  meta: RequestMeta,
): Promise<User> {
  const user = await checkCredentials(ctx, invitation.email, password, meta);
  if (!(await consumeInvitation(ctx, invitation.id))) throw new AppError('invalid_token');
  return user;
}

async function joinWithNewAccount(
  ctx: Ctx,
  invitation: PendingInvitation,
  input: { readonly password: string; readonly name?: string },
): Promise<User> {
  const normalised = acceptablePasswordFor(input.password, invitation.email, [invitation.orgName]);
  if (!(await consumeInvitation(ctx, invitation.id))) throw new AppError('invalid_token');
  try {
    return await insertUser(ctx, invitation.email, normalised, input.name?.trim() ?? '');
  } catch (error) {
    // The invitation stays usable when the account could not be created (e.g. created meanwhile).
    await restoreInvitation(ctx, invitation.id);
    throw error;
  }
}
