/**
 * The only writer of the org tables: `orgs` (with the policy columns), `memberships`, `invitations` and the
 * first-run flag in `system_flags`. Each change is one named function; the rules about who may make it live
 * in the flows (src/flows/) and the read models beside this file.
 */
import type { Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';

/** Marks first-run setup done; false when it already was (the key is the primary key: one wins everywhere). */
export async function markSetupDone(ctx: Ctx): Promise<boolean> {
  try {
    await ctx.db.kysely
      .insertInto('system_flags')
      .values({ key: 'setup_done', set_at: ctx.clock().toISOString() })
      .execute();
    return true;
  } catch {
    return false;
  }
}

/** Opens setup again (its owner could not be created). */
export async function clearSetupDone(ctx: Ctx): Promise<void> {
  await ctx.db.kysely.deleteFrom('system_flags').where('key', '=', 'setup_done').execute();
}

export async function insertOrg(ctx: Ctx, org: { id: string; name: string; createdAt: string }): Promise<void> {
  await ctx.db.kysely
    .insertInto('orgs')
    .values({
      id: org.id,
      name: org.name,
      created_at: org.createdAt,
      staff_required_since: null,
      everyone_required_since: null,
    })
    .execute();
}

/** Adds the membership; an existing one is left as it is. */
export async function addMember(ctx: Ctx, orgId: string, userId: string, role: Role): Promise<void> {
  await addMembers(ctx, [{ orgId, userId, role }]);
}

/** Adds many memberships at once (import, inside its batch transaction); existing ones are left as they are. */
export async function addMembers(
  ctx: Ctx,
  rows: ReadonlyArray<{ orgId: string; userId: string; role: Role }>,
): Promise<void> {
  if (rows.length === 0) return;
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('memberships')
    .values(
      rows.map((r) => ({ org_id: r.orgId, user_id: r.userId, role: r.role, created_at: now, role_changed_at: now })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .execute();
}

/**
 * Changes a member's role from `from` to `to` (compare-and-swap: false when it was no longer `from`).
 * `scopeChanged` restarts the member's 2FA grace period (a move between client and staff roles).
 */
export async function setMemberRole(
  ctx: Ctx,
  orgId: string,
  userId: string,
  change: { from: Role; to: Role; scopeChanged: boolean },
): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('memberships')
    .set({ role: change.to, ...(change.scopeChanged ? { role_changed_at: ctx.clock().toISOString() } : {}) })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('role', '=', change.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteMembership(ctx: Ctx, orgId: string, userId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/**
 * Runs `work` in a transaction that first locks the org's row, so that membership changes within one org
 * happen one after another: two owners demoting each other at once cannot both see "another owner is
 * left". A no-op UPDATE takes the row lock on PostgreSQL; SQLite runs one write transaction at a time.
 * Inside, use only the `locked` context (its queries run in the transaction); send mail after it returns —
 * the mail queue holds its own database handle, which would wait on the lock (SQLite has one connection).
 */
export async function withOrgLocked<T>(ctx: Ctx, orgId: string, work: (locked: Ctx) => Promise<T>): Promise<T> {
  // Work announced for after the commit (outbox deliveries, metrics) runs once the transaction is over.
  const afterCommit: Array<() => void> = [];
  const result = await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('orgs')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', orgId)
      .execute();
    return work({ ...ctx, db: { ...ctx.db, kysely: trx }, afterCommit, committed: ctx });
  });
  for (const run of afterCommit) run();
  return result;
}

export interface PolicyRow {
  readonly requireTwoFactor: 'off' | 'staff' | 'everyone';
  readonly gracePeriodDays: number;
  readonly trustedDeviceDays: number;
  readonly allowedMethods: readonly string[];
  readonly selfServiceRecovery: boolean;
  readonly emailCodes: 'off' | 'clients' | 'everyone';
  readonly newDeviceCheck: 'off' | 'staff' | 'everyone';
  readonly phishingResistant: 'off' | 'staff' | 'everyone';
  readonly allowedAuthenticators: readonly string[];
  readonly phishingResistantStaffSince: string | null;
  readonly phishingResistantEveryoneSince: string | null;
  readonly staffRequiredSince: string | null;
  readonly everyoneRequiredSince: string | null;
}

export async function setPolicy(ctx: Ctx, orgId: string, policy: PolicyRow): Promise<void> {
  await ctx.db.kysely
    .updateTable('orgs')
    .set({
      require_two_factor: policy.requireTwoFactor,
      grace_period_days: policy.gracePeriodDays,
      trusted_device_days: policy.trustedDeviceDays,
      allowed_methods: JSON.stringify([...new Set(policy.allowedMethods)].sort()),
      self_service_recovery: policy.selfServiceRecovery ? 1 : 0,
      email_codes: policy.emailCodes,
      new_device_check: policy.newDeviceCheck,
      phishing_resistant: policy.phishingResistant,
      allowed_authenticators: JSON.stringify([...new Set(policy.allowedAuthenticators)].sort()),
      phishing_resistant_staff_since: policy.phishingResistantStaffSince,
      phishing_resistant_everyone_since: policy.phishingResistantEveryoneSince,
      staff_required_since: policy.staffRequiredSince,
      everyone_required_since: policy.everyoneRequiredSince,
    })
    .where('id', '=', orgId)
    .execute();
  await ctx.db.kysely
    .updateTable('orgs')
    .set({ policy_chosen_at: ctx.clock().toISOString() })
    .where('id', '=', orgId)
    .where('policy_chosen_at', 'is', null)
    .execute();
}

export interface NewInvitation {
  readonly id: string;
  readonly orgId: string;
  readonly email: string;
  readonly role: Role;
  readonly tokenHash: string;
  readonly invitedBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export async function insertInvitation(ctx: Ctx, invitation: NewInvitation): Promise<void> {
  await ctx.db.kysely
    .insertInto('invitations')
    .values({
      id: invitation.id,
      org_id: invitation.orgId,
      email: invitation.email,
      role: invitation.role,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      revoked_at: null,
    })
    .execute();
}

/** Revokes a pending invitation of the org; false when there is none by that id. */
export async function revokeInvitationRow(ctx: Ctx, orgId: string, invitationId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('invitations')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('id', '=', invitationId)
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Uses the invitation up (compare-and-swap: true only for the one call that did). */
export async function consumeInvitation(ctx: Ctx, invitationId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('invitations')
    .set({ accepted_at: ctx.clock().toISOString() })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Makes a consumed invitation usable again (the account it was to create could not be created). */
export async function restoreInvitation(ctx: Ctx, invitationId: string): Promise<void> {
  await ctx.db.kysely.updateTable('invitations').set({ accepted_at: null }).where('id', '=', invitationId).execute();
}
