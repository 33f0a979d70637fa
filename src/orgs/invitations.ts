/** Invitations by email: 7 days, single use, accepted with a new password or the existing account's. */
import { TOKENS } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { Role } from '../db/schema.ts';
import { mailTemplates } from '../mail/templates.ts';
import {
  acceptablePasswordFor,
  checkCredentials,
  findUserByEmail,
  insertUser,
  parseEmail,
  type User,
} from '../accounts/service.ts';
import { markEmailVerified } from '../accounts/verification.ts';
import { addMember, mayManage, requireManager } from './service.ts';

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
}

export async function invite(
  ctx: Ctx,
  actor: User,
  orgId: string,
  input: { email: string; role: Role },
  meta: RequestMeta,
): Promise<{ invitation: InvitationView; emailDelivered: boolean }> {
  const { org, role: actorRole } = await requireManager(ctx, orgId, actor.id);
  if (!mayManage(actorRole, input.role, input.role))
    throw new AppError('forbidden', { message: 'Only an owner can invite another owner.' });
  const email = parseEmail(input.email);
  const existing = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.org_id', '=', orgId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  if (existing)
    throw new AppError('conflict', { message: 'That person is already a member.', details: { field: 'email' } });
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
  await ctx.db.kysely
    .insertInto('invitations')
    .values({
      id: invitation.id,
      org_id: orgId,
      email,
      role: input.role,
      token_hash: sha256Hex(token),
      invited_by: actor.id,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      revoked_at: null,
    })
    .execute();
  await audit(ctx, meta, {
    event: 'invitation.sent',
    actorUserId: actor.id,
    orgId,
    details: { email, role: input.role, invitationId: invitation.id },
  });
  const { delivered } = await ctx.mail.send(
    mailTemplates.invitation(email, {
      productName: ctx.config.productName,
      orgName: org.name,
      inviterEmail: actor.email,
      role: input.role,
      url: link(ctx, `/invitations/accept?token=${encodeURIComponent(token)}`),
      expiresAt: invitation.expiresAt,
    }),
    now,
  );
  return { invitation, emailDelivered: delivered };
}

export async function listInvitations(ctx: Ctx, orgId: string): Promise<InvitationView[]> {
  const nowIso = ctx.clock().toISOString();
  const rows = await ctx.db.kysely
    .selectFrom('invitations')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.accepted_at ? 'accepted' : r.revoked_at ? 'revoked' : r.expires_at <= nowIso ? 'expired' : 'pending',
  }));
}

export async function revokeInvitation(
  ctx: Ctx,
  actor: User,
  orgId: string,
  invitationId: string,
  meta: RequestMeta,
): Promise<void> {
  await requireManager(ctx, orgId, actor.id);
  const result = await ctx.db.kysely
    .updateTable('invitations')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('id', '=', invitationId)
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('not_found');
  await audit(ctx, meta, { event: 'invitation.revoked', actorUserId: actor.id, orgId, details: { invitationId } });
}

export interface PendingInvitation {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  role: Role;
  accountExists: boolean;
}

/** Looks up a live invitation by its token (for the accept page). */
export async function findInvitation(ctx: Ctx, token: string): Promise<PendingInvitation | null> {
  const row = await ctx.db.kysely
    .selectFrom('invitations as i')
    .innerJoin('orgs as o', 'o.id', 'i.org_id')
    .select(['i.id', 'i.org_id', 'o.name', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.revoked_at'])
    .where('i.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= ctx.clock().toISOString()) return null;
  const account = await findUserByEmail(ctx, row.email);
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.name,
    email: row.email,
    role: row.role,
    accountExists: !!account,
  };
}

/**
 * Accepts an invitation: a new person sets a password; a person who already has an account proves it
 * with that account's password. The invitation is consumed by compare-and-swap (single use).
 */
export async function acceptInvitation(
  ctx: Ctx,
  token: string,
  input: { password: string; name?: string },
  meta: RequestMeta,
): Promise<User> {
  const invitation = await findInvitation(ctx, token);
  if (!invitation) throw new AppError('invalid_token');
  let user: User;
  if (invitation.accountExists) {
    user = await checkCredentials(ctx, invitation.email, input.password, meta);
  } else {
    const normalised = acceptablePasswordFor(input.password, invitation.email, [invitation.orgName]);
    const consumed = await consume(ctx, invitation.id);
    if (!consumed) throw new AppError('invalid_token');
    try {
      user = await insertUser(ctx, invitation.email, normalised, input.name?.trim() ?? '');
    } catch (error) {
      // The invitation stays usable when the account could not be created (e.g. created meanwhile).
      await ctx.db.kysely
        .updateTable('invitations')
        .set({ accepted_at: null })
        .where('id', '=', invitation.id)
        .execute();
      throw error;
    }
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
  if (!(await consume(ctx, invitation.id))) throw new AppError('invalid_token');
  await addMember(ctx, invitation.orgId, user.id, invitation.role);
  await audit(ctx, meta, {
    event: 'invitation.accepted',
    actorUserId: user.id,
    targetUserId: user.id,
    orgId: invitation.orgId,
    details: { role: invitation.role },
  });
  // The invitation link went to this account's address.
  await markEmailVerified(ctx, user.id, 'invitation', meta);
  return user;
}

async function consume(ctx: Ctx, invitationId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('invitations')
    .set({ accepted_at: ctx.clock().toISOString() })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
