/** The strictest 2FA requirement over all of a user's orgs, read from the database on every use. */
import type { Ctx } from '../context.ts';
import type { Expression, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { daysLeft, deadlineFor, memberDeadline, type Requirement } from '../core/enforcement.ts';
import { exceptionsFromRow } from './exemptions.ts';
import type { Membership } from './service.ts';

export interface UserRequirement {
  /** The earliest deadline over the orgs that require 2FA of this user; null when none does. */
  readonly deadline: Date | null;
  readonly orgNames: readonly string[];
  /** Every membership of the user, read by the same query (oldest org first), so a request reads them once. */
  readonly memberships: readonly Membership[];
}

/**
 * Every membership of a user with what its deadline depends on, oldest org first: read on each session check
 * (with the session itself, src/sessions/service.ts) and wherever a requirement is needed.
 */
export function requirementRowsQuery(db: Kysely<Database>, userId: string | Expression<string>) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('member_policy_overrides as x', (join) =>
      join.onRef('x.org_id', '=', 'm.org_id').onRef('x.user_id', '=', 'm.user_id'),
    )
    .select([
      'o.id',
      'o.name',
      'o.created_at',
      'o.require_two_factor',
      'o.grace_period_days',
      'o.staff_required_since',
      'o.everyone_required_since',
      'm.role',
      'm.role_changed_at',
      'u.two_factor_reset_at',
      'x.exempt_until',
      'x.break_glass',
      'x.extended_deadline',
    ])
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at');
}
export type RequirementRow = Awaited<ReturnType<ReturnType<typeof requirementRowsQuery>['execute']>>[number];

const requirementRows = prepared((db: Kysely<Database>, userId: string) => requirementRowsQuery(db, userId));

export async function requirementFor(ctx: Ctx, userId: string): Promise<UserRequirement> {
  return requirementFromRows(await requirementRows(ctx.db.kysely, userId), ctx.clock());
}

/** The requirement that a user's membership rows (requirementRowsQuery) make, at `now`. */
export function requirementFromRows(rows: readonly RequirementRow[], now: Date): UserRequirement {
  let deadline: Date | null = null;
  const orgNames: string[] = [];
  for (const r of rows) {
    // Exemptions, break-glass, extensions and the reset rule: src/core/enforcement.ts memberDeadline.
    const due = memberDeadline(
      deadlineFor(
        {
          requirement: r.require_two_factor as Requirement,
          gracePeriodDays: Number(r.grace_period_days),
          staffRequiredSince: r.staff_required_since,
          everyoneRequiredSince: r.everyone_required_since,
        },
        { role: r.role, scopeChangedAt: r.role_changed_at },
      ),
      exceptionsFromRow(r),
      r.two_factor_reset_at ? new Date(r.two_factor_reset_at) : null,
      now,
    );
    if (!due) continue;
    orgNames.push(r.name);
    if (!deadline || due < deadline) deadline = due;
  }
  const memberships = rows.map((r) => ({
    org: { id: r.id, name: r.name, createdAt: r.created_at },
    role: r.role,
    requireTwoFactor: r.require_two_factor,
  }));
  return { deadline, orgNames, memberships };
}

/** True when the user has no 2FA and a requirement's deadline has passed: only enrolment is allowed. */
export async function enrolmentOverdue(ctx: Ctx, userId: string, twoFactorEnabled: boolean): Promise<boolean> {
  if (twoFactorEnabled) return false;
  return isOverdue(await requirementFor(ctx, userId), ctx.clock());
}

export function isOverdue(requirement: UserRequirement, now: Date): boolean {
  return requirement.deadline !== null && requirement.deadline <= now;
}

export interface RequirementSummary {
  readonly required: boolean;
  readonly deadline: string | null;
  readonly daysLeft: number | null;
  readonly overdue: boolean;
  readonly orgs: readonly string[];
}

/** What the sign-in answer, the session and the banners say about a pending requirement. */
export async function requirementSummary(
  ctx: Ctx,
  userId: string,
  twoFactorEnabled: boolean,
): Promise<RequirementSummary> {
  return summarizeRequirement(await requirementFor(ctx, userId), twoFactorEnabled, ctx.clock());
}

/** The summary of a requirement already read (a request reads it once: src/http/request.ts). */
export function summarizeRequirement(
  { deadline, orgNames }: UserRequirement,
  twoFactorEnabled: boolean,
  now: Date,
): RequirementSummary {
  if (twoFactorEnabled || !deadline)
    return { required: orgNames.length > 0, deadline: null, daysLeft: null, overdue: false, orgs: orgNames };
  return {
    required: true,
    deadline: deadline.toISOString(),
    daysLeft: daysLeft(deadline, now),
    overdue: deadline <= now,
    orgs: orgNames,
  };
}
