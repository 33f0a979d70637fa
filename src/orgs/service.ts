/**
 * Organizations and roles (docs/product.md "People and roles"): the rules of who may manage whom and the read
 * models of orgs and their members. The actions (setup, invitations, role changes, removals…) are flows
 * (src/flows/); the tables are written only by ./store.ts.
 * owner: everything, incl. other owners · admin: manage staff, clients and admins, not owners ·
 * staff, client: their own account only.
 */
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import type { Database, Role } from '../db/schema.ts';
import type { Kysely } from 'kysely';
import { prepared } from '../db/prepared.ts';

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
 * orgs (docs/product.md "Org security settings": the reset is account-wide). Never on oneself.
 * Throws `member_of_other_org` (403) naming what was refused; the CLI stays the break-glass path.
 */
export async function requireAccountWideAuthority(
  ctx: Ctx,
  actorUserId: string,
  targetUserId: string,
  action: AccountWideAction,
): Promise<void> {
  if (await mayActAccountWide(ctx, actorUserId, targetUserId)) return;
  throw accountWideRefusal(action);
}

/** The refusal of an account-wide action on someone the actor cannot manage in one of their orgs. */
export function accountWideRefusal(action: AccountWideAction): AppError {
  return new AppError('member_of_other_org', { key: `errors:messages.accountWide.${action}` });
}

/** What an account-wide refusal names (errors:messages.accountWide.*). */
export type AccountWideAction = 'suspend' | 'reactivate' | 'resetTwoFactor';

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
      key: 'errors:messages.orgs.nameLength',
      details: { field: 'orgName' },
    });
  }
  return name;
}

/** A person's memberships, oldest org first: read by most requests, so compiled once (src/db/prepared.ts). */
const membershipRows = prepared((db: Kysely<Database>, userId: string) =>
  db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.created_at', 'o.require_two_factor', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at'),
);

export async function membershipsOf(ctx: Ctx, userId: string): Promise<Membership[]> {
  const rows = await membershipRows(ctx.db.kysely, userId);
  return rows.map((r) => ({
    org: { id: r.id, name: r.name, createdAt: r.created_at },
    role: r.role,
    requireTwoFactor: r.require_two_factor,
  }));
}

export async function orgNameOf(ctx: Ctx, orgId: string): Promise<string> {
  const row = await ctx.db.kysely.selectFrom('orgs').select('name').where('id', '=', orgId).executeTakeFirst();
  return row?.name ?? '';
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

/** A member with their saved language and time zone, for the emails about them (not in listings). */
export interface Member extends MemberView {
  readonly locale: string | null;
  readonly timeZone: string | null;
}

export async function listMembers(ctx: Ctx, orgId: string): Promise<MemberView[]> {
  return (await memberRows(ctx, orgId, null)).map(({ locale: _locale, timeZone: _timeZone, ...view }) => view);
}

/** One member of the org (their account and membership), or a 404 when the person is not a member. */
export async function findMember(ctx: Ctx, orgId: string, userId: string): Promise<Member> {
  const [member] = await memberRows(ctx, orgId, userId);
  if (!member) throw new AppError('not_found');
  return member;
}

async function memberRows(ctx: Ctx, orgId: string, userId: string | null): Promise<Member[]> {
  let query = ctx.db.kysely
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
      'u.locale',
      'u.time_zone',
      'm.role',
      'm.created_at',
    ])
    .where('m.org_id', '=', orgId);
  if (userId !== null) query = query.where('m.user_id', '=', userId);
  const rows = await query.orderBy('u.email').execute();
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
    locale: r.locale,
    timeZone: r.time_zone,
  }));
}

/** How many owners the org has (it never goes without one). */
export async function ownerCount(ctx: Ctx, orgId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What the owner's onboarding checklist reads of an org: anyone else in it or invited, a policy chosen. */
export async function onboardingFacts(
  ctx: Ctx,
  orgId: string,
): Promise<{ othersInvited: boolean; policyChosen: boolean }> {
  const members = await ctx.db.kysely
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  const invited = await ctx.db.kysely
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  const org = await ctx.db.kysely
    .selectFrom('orgs')
    .select('policy_chosen_at')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { othersInvited: Number(members.n) > 1 || Number(invited.n) > 0, policyChosen: org.policy_chosen_at !== null };
}
