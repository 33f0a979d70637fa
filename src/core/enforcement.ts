/**
 * Org 2FA requirement as it applies to one member (docs/product.md "Org security settings"; docs/security.md
 * "Enforcement"). Pure: the deadline is computed from stored start times on every use, so editing the
 * grace period or the scope applies at once to everybody, including those who postponed (GitLab #29702),
 * and a long grace is honoured (GitLab #373319).
 */
export type Requirement = 'off' | 'staff' | 'everyone';

export interface OrgRequirement {
  readonly requirement: Requirement;
  readonly gracePeriodDays: number;
  readonly staffRequiredSince: string | null;
  readonly everyoneRequiredSince: string | null;
}

export interface MemberScope {
  readonly role: 'owner' | 'admin' | 'staff' | 'client';
  /** When the member joined, or last moved between client and staff roles. */
  readonly scopeChangedAt: string;
}

/** When the requirement began to apply to this member, or null when it does not apply. */
export function requirementAppliesSince(org: OrgRequirement, member: MemberScope): Date | null {
  const isClient = member.role === 'client';
  if (org.requirement === 'off' || (org.requirement === 'staff' && isClient)) return null;
  const orgSince = isClient ? org.everyoneRequiredSince : (org.staffRequiredSince ?? org.everyoneRequiredSince);
  if (!orgSince) return null;
  return new Date(Math.max(Date.parse(orgSince), Date.parse(member.scopeChangedAt)));
}

export function deadlineFor(org: OrgRequirement, member: MemberScope): Date | null {
  const since = requirementAppliesSince(org, member);
  return since ? new Date(since.getTime() + org.gracePeriodDays * 86_400_000) : null;
}

/** Start times after a policy change: kept while the scope still covers them, set now when it begins. */
export function nextRequirementTimes(
  previous: Pick<OrgRequirement, 'staffRequiredSince' | 'everyoneRequiredSince'>,
  next: Requirement,
  now: Date,
): { staffRequiredSince: string | null; everyoneRequiredSince: string | null } {
  const nowIso = now.toISOString();
  if (next === 'off') return { staffRequiredSince: null, everyoneRequiredSince: null };
  const staffRequiredSince = previous.staffRequiredSince ?? nowIso;
  if (next === 'staff') return { staffRequiredSince, everyoneRequiredSince: null };
  return { staffRequiredSince, everyoneRequiredSince: previous.everyoneRequiredSince ?? nowIso };
}

/** Whole days left before the deadline (rounded up; 0 when due). */
export function daysLeft(deadline: Date, now: Date): number {
  return Math.max(0, Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000));
}

/** A member's own exceptions to one org's requirement (docs/decisions.md "Exemptions and extensions"). */
export interface MemberExceptions {
  /** When a time-limited exemption ends (it ends by itself then); null: none. */
  readonly exemptUntil: string | null;
  /** The org's one break-glass account: exempt without expiry. */
  readonly breakGlass: boolean;
  /** A later deadline granted to this member; null: none. */
  readonly extendedDeadline: string | null;
}

/** Exempt at `now`: the break-glass account, or an exemption that has not ended yet. */
export function isExempt(exceptions: MemberExceptions | null, now: Date): boolean {
  if (!exceptions) return false;
  return (
    exceptions.breakGlass || (exceptions.exemptUntil !== null && Date.parse(exceptions.exemptUntil) > now.getTime())
  );
}

/**
 * The one rule for a member's deadline in one org, used wherever the requirement is computed (sign-in, every
 * session check, OpenID Connect, forward auth, the compliance view): null while exempt or not required;
 * otherwise the grace deadline, brought forward to a 2FA reset (set it up again first), and pushed back to an
 * extended deadline when that is later.
 */
export function memberDeadline(
  due: Date | null,
  exceptions: MemberExceptions | null,
  resetAt: Date | null,
  now: Date,
): Date | null {
  if (!due || isExempt(exceptions, now)) return null;
  let deadline = resetAt && resetAt < due ? resetAt : due;
  const extended = exceptions?.extendedDeadline ? new Date(exceptions.extendedDeadline) : null;
  if (extended && extended > deadline) deadline = extended;
  return deadline;
}
