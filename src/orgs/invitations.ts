/** Invitations by email (7 days, single use): what an org's managers and the accept page read. */
import { sha256Hex } from '../crypto/index.ts';
import type { Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
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

/** True when the account with this (normalised) address is already a member of the org. */
export async function isMemberByEmail(ctx: Ctx, orgId: string, email: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.org_id', '=', orgId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
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
    .leftJoin('users as u', 'u.email', 'i.email')
    .select([
      'i.id',
      'i.org_id',
      'o.name',
      'i.email',
      'i.role',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'u.id as account_id',
    ])
    .where('i.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= ctx.clock().toISOString()) return null;
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.name,
    email: row.email,
    role: row.role,
    accountExists: row.account_id !== null,
  };
}
