/**
 * Organizations, roles and invitations (PRODUCT.md "People and roles").
 * owner: everything, incl. other owners · admin: manage staff, clients and admins, not owners ·
 * staff, client: their own account only.
 */
import { randomId } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { Role } from '../db/schema.ts';
import { acceptablePasswordFor, findUserByEmail, insertUser, parseEmail, type User } from '../accounts/service.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { endOrgAppAccess } from '../oidc/adapter.ts';
import { markEmailVerified, sendEmailVerification, type VerificationEmail } from '../accounts/verification.ts';

export interface Org {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface Membership {
  readonly org: Org;
  readonly role: Role;
  /** The org's 2FA requirement ('off' | 'staff' | 'everyone'). */
  readonly requireTwoFactor: string;
}

export function isManager(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** May `actor` (a manager) change or remove a member who has role `target`, or give role `next`? */
export function mayManage(actor: Role, target: Role, next?: Role): boolean {
  if (actor === 'owner') return true;
  if (actor !== 'admin') return false;
  return target !== 'owner' && next !== 'owner';
}

/**
 * An account-wide action on a member — resetting their 2FA, suspending the account, ending every session —
 * reaches every org the person belongs to, so the actor must be allowed to manage them in each of those
 * orgs (PRODUCT.md "Org security settings": the reset is account-wide). Never on oneself.
 * Throws `member_of_other_org` (403) naming what was refused; the CLI stays the break-glass path.
 */
export async function requireAccountWideAuthority(
  ctx: Ctx,
  actorUserId: string,
  targetUserId: string,
  action: string,
): Promise<void> {
  if (await mayActAccountWide(ctx, actorUserId, targetUserId)) return;
  throw new AppError('member_of_other_org', {
    message: `You can't ${action}: this person also belongs to an organization where you can't manage them, and it would affect their whole account. Ask an owner who manages them everywhere, or the server's operator (twofold reset-2fa).`,
  });
}

/** True when `actorUserId` may manage `targetUserId` in every org the target belongs to (and is not the target). */
export async function mayActAccountWide(ctx: Ctx, actorUserId: string, targetUserId: string): Promise<boolean> {
  if (actorUserId === targetUserId) return false;
  const rows = await ctx.db.kysely
    .selectFrom('memberships as t')
    .leftJoin('memberships as a', (join) => join.onRef('a.org_id', '=', 't.org_id').on('a.user_id', '=', actorUserId))
    .select(['t.role as targetRole', 'a.role as actorRole'])
    .where('t.user_id', '=', targetUserId)
    .execute();
  return rows.every((r) => r.actorRole !== null && mayManage(r.actorRole, r.targetRole));
}

export async function isSetUp(ctx: Ctx): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('system_flags')
    .select('key')
    .where('key', '=', 'setup_done')
    .executeTakeFirst();
  return !!row;
}

export function parseOrgName(input: string): string {
  const name = input.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 100) {
    throw new AppError('invalid_request', {
      message: 'The organization name must be 2–100 characters.',
      details: { field: 'orgName' },
    });
  }
  return name;
}

/**
 * First run: creates the first org and its owner, once. The 'setup_done' flag's primary key makes a
 * second (or concurrent) setup fail on every instance. The owner's address is verified by a link sent
 * now — or taken as verified when the operator says so (`twofold init --email-verified`, for a machine
 * whose mail is not set up yet).
 */
export async function setUp(
  ctx: Ctx,
  input: { orgName: string; email: string; password: string; name?: string; emailVerified?: boolean },
  meta: RequestMeta | null,
): Promise<{ user: User; org: Org; verificationEmail: VerificationEmail | null }> {
  const orgName = parseOrgName(input.orgName);
  const email = parseEmail(input.email);
  const normalised = acceptablePasswordFor(input.password, email, [orgName]);
  if (await isSetUp(ctx)) throw new AppError('already_set_up');
  const now = ctx.clock().toISOString();
  try {
    await ctx.db.kysely.insertInto('system_flags').values({ key: 'setup_done', set_at: now }).execute();
  } catch {
    throw new AppError('already_set_up');
  }
  let user: User;
  try {
    user = await insertUser(ctx, email, normalised, input.name?.trim() ?? '');
  } catch (error) {
    // Setup stays open when its owner could not be created.
    await ctx.db.kysely.deleteFrom('system_flags').where('key', '=', 'setup_done').execute();
    throw error;
  }
  const org = { id: randomId(), name: orgName, createdAt: now };
  await ctx.db.kysely
    .insertInto('orgs')
    .values({ id: org.id, name: org.name, created_at: now, staff_required_since: null, everyone_required_since: null })
    .execute();
  await ctx.db.kysely
    .insertInto('memberships')
    .values({ org_id: org.id, user_id: user.id, role: 'owner', created_at: now, role_changed_at: now })
    .execute();
  await audit(ctx, meta, { event: 'setup.completed', actorUserId: user.id, targetUserId: user.id, orgId: org.id });
  if (input.emailVerified) {
    await markEmailVerified(ctx, user.id, 'operator', meta);
    return { user, org, verificationEmail: null };
  }
  return { user, org, verificationEmail: await sendEmailVerification(ctx, user, meta) };
}

export async function membershipsOf(ctx: Ctx, userId: string): Promise<Membership[]> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.created_at', 'o.require_two_factor', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at')
    .execute();
  return rows.map((r) => ({
    org: { id: r.id, name: r.name, createdAt: r.created_at },
    role: r.role,
    requireTwoFactor: r.require_two_factor,
  }));
}

export async function findOrgByName(ctx: Ctx, name: string): Promise<Org | null> {
  const row = await ctx.db.kysely.selectFrom('orgs').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
}

/** The actor's role in the org, or a 404 when they are not a member (orgs of others are invisible). */
export async function roleIn(ctx: Ctx, orgId: string, userId: string): Promise<{ org: Org; role: Role }> {
  const row = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.created_at', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return { org: { id: row.id, name: row.name, createdAt: row.created_at }, role: row.role };
}

export async function requireManager(ctx: Ctx, orgId: string, userId: string): Promise<{ org: Org; role: Role }> {
  const membership = await roleIn(ctx, orgId, userId);
  if (!isManager(membership.role)) throw new AppError('forbidden');
  return membership;
}

export interface MemberView {
  userId: string;
  email: string;
  /** The member proved control of the address (a link twofold emailed). */
  emailVerified: boolean;
  name: string;
  role: Role;
  joinedAt: string;
  lastSignInAt: string | null;
  twoFactorEnabled: boolean;
  suspended: boolean;
}

export async function listMembers(ctx: Ctx, orgId: string): Promise<MemberView[]> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.email_verified_at',
      'u.name',
      'u.last_sign_in_at',
      'u.two_factor_enabled',
      'u.suspended_at',
      'm.role',
      'm.created_at',
    ])
    .where('m.org_id', '=', orgId)
    .orderBy('u.email')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    emailVerified: r.email_verified_at !== null,
    name: r.name,
    role: r.role,
    joinedAt: r.created_at,
    lastSignInAt: r.last_sign_in_at,
    twoFactorEnabled: Number(r.two_factor_enabled) === 1,
    suspended: r.suspended_at !== null,
  }));
}

export async function addMember(ctx: Ctx, orgId: string, userId: string, role: Role): Promise<void> {
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: userId, role, created_at: now, role_changed_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .execute();
}

/**
 * Creates a member directly (CLI `user add`, admin). A new account needs an acceptable password, and its
 * address — typed in by someone else — gets a verification link (`verificationEmail`; null for an
 * existing account, which only gains the membership).
 */
export async function createMember(
  ctx: Ctx,
  org: Org,
  input: { email: string; role: Role; password: string },
  actorUserId: string | null,
  meta: RequestMeta | null,
): Promise<User & { verificationEmail: VerificationEmail | null }> {
  const email = parseEmail(input.email);
  const existing: User | null = await findUserByEmail(ctx, email);
  const user = existing ?? (await insertUser(ctx, email, acceptablePasswordFor(input.password, email, [org.name])));
  await addMember(ctx, org.id, user.id, input.role);
  await audit(ctx, meta, {
    event: 'member.added',
    actorUserId,
    targetUserId: user.id,
    orgId: org.id,
    details: { role: input.role },
  });
  return { ...user, verificationEmail: existing ? null : await sendEmailVerification(ctx, user, meta) };
}

async function ownerCount(ctx: Ctx, orgId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Runs `work` in a transaction that first locks the org's row, so that membership changes within one org
 * happen one after another: two owners demoting each other at once cannot both see "another owner is
 * left". A no-op UPDATE takes the row lock on PostgreSQL; SQLite runs one write transaction at a time.
 * Inside, use only the `locked` context (its queries run in the transaction); send mail after it returns —
 * the mail queue holds its own database handle, which would wait on the lock (SQLite has one connection).
 */
async function withOrgLocked<T>(ctx: Ctx, orgId: string, work: (locked: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('orgs')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', orgId)
      .execute();
    return work({ ...ctx, db: { ...ctx.db, kysely: trx } });
  });
}

export async function changeRole(
  ctx: Ctx,
  actor: User,
  orgId: string,
  targetUserId: string,
  role: Role,
  meta: RequestMeta,
): Promise<void> {
  return withOrgLocked(ctx, orgId, (locked) => changeRoleLocked(locked, actor, orgId, targetUserId, role, meta));
}

async function changeRoleLocked(
  ctx: Ctx,
  actor: User,
  orgId: string,
  targetUserId: string,
  role: Role,
  meta: RequestMeta,
): Promise<void> {
  const { role: actorRole } = await requireManager(ctx, orgId, actor.id);
  const { role: targetRole } = await roleIn(ctx, orgId, targetUserId);
  if (!mayManage(actorRole, targetRole, role))
    throw new AppError('forbidden', { message: 'Admins cannot change owners or make new owners.' });
  if (targetRole === role) return;
  if (targetRole === 'owner' && (await ownerCount(ctx, orgId)) <= 1) throw new AppError('last_owner');
  // Moving between client and staff roles moves the member into or out of a "staff" 2FA requirement:
  // that is when its grace period starts (src/core/enforcement.ts).
  const crossesScope = (targetRole === 'client') !== (role === 'client');
  const result = await ctx.db.kysely
    .updateTable('memberships')
    .set({ role, ...(crossesScope ? { role_changed_at: ctx.clock().toISOString() } : {}) })
    .where('org_id', '=', orgId)
    .where('user_id', '=', targetUserId)
    .where('role', '=', targetRole)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('conflict');
  await audit(ctx, meta, {
    event: 'member.role_changed',
    actorUserId: actor.id,
    targetUserId,
    orgId,
    details: { from: targetRole, to: role },
  });
}

export async function removeMember(
  ctx: Ctx,
  actor: User,
  orgId: string,
  targetUserId: string,
  meta: RequestMeta,
): Promise<void> {
  return withOrgLocked(ctx, orgId, (locked) => removeMemberLocked(locked, actor, orgId, targetUserId, meta));
}

async function removeMemberLocked(
  ctx: Ctx,
  actor: User,
  orgId: string,
  targetUserId: string,
  meta: RequestMeta,
): Promise<void> {
  const self = actor.id === targetUserId;
  const { role: actorRole } = self ? await roleIn(ctx, orgId, actor.id) : await requireManager(ctx, orgId, actor.id);
  const { role: targetRole } = await roleIn(ctx, orgId, targetUserId);
  if (!self && !mayManage(actorRole, targetRole))
    throw new AppError('forbidden', { message: 'Admins cannot remove owners.' });
  if (targetRole === 'owner' && (await ownerCount(ctx, orgId)) <= 1) throw new AppError('last_owner');
  await ctx.db.kysely
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', targetUserId)
    .execute();
  // A removed member keeps their account (they may belong to other orgs). The org's apps lose them at once;
  // ending every session is account-wide, so only when the actor manages them in every org they still
  // belong to (or none is left) — otherwise the other orgs' sessions and apps are not this org's to end.
  await endOrgAppAccess(ctx.db, targetUserId, orgId);
  if (!self && (await mayActAccountWide(ctx, actor.id, targetUserId))) await revokeAllSessions(ctx, targetUserId, null);
  await audit(ctx, meta, {
    event: 'member.removed',
    actorUserId: actor.id,
    targetUserId,
    orgId,
    details: { role: targetRole },
  });
}
