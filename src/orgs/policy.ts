/**
 * The org security policy as it applies to one user: the strictest of all their orgs wins
 * (docs/product.md "People and roles"). Scope "staff" covers owners, admins and staff; "everyone" adds clients.
 */
import { TRUSTED_DEVICE } from '../config/defaults.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { deadlineFor, type Requirement } from '../core/enforcement.ts';

export function roleInScope(requirement: string, role: Role): boolean {
  if (requirement === 'everyone') return true;
  if (requirement === 'staff') return role !== 'client';
  return false;
}

/** Names of the orgs that require 2FA for this user (empty: not required). */
export async function orgsRequiringTwoFactor(ctx: Ctx, userId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.name', 'o.require_two_factor', 'm.role'])
    .where('m.user_id', '=', userId)
    .execute();
  return rows.filter((r) => roleInScope(r.require_two_factor, r.role)).map((r) => r.name);
}

/** Whether any org of the user asks members of their role without 2FA to confirm new browsers by email. */
export async function newDeviceCheckApplies(ctx: Ctx, userId: string): Promise<boolean> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['o.new_device_check', 'm.role'])
    .where('m.user_id', '=', userId)
    .execute();
  return rows.some((r) => roleInScope(r.new_device_check, r.role));
}

/** How long "trust this device" may last for this user, in days (0: not offered). */
export async function trustedDeviceDays(ctx: Ctx, userId: string): Promise<number> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select('o.trusted_device_days')
    .where('m.user_id', '=', userId)
    .execute();
  if (rows.length === 0) return TRUSTED_DEVICE.defaultDays;
  return Math.min(...rows.map((r) => Math.max(0, Math.min(Number(r.trusted_device_days), TRUSTED_DEVICE.maxDays))));
}

export interface OrgPolicy {
  requireTwoFactor: 'off' | 'staff' | 'everyone';
  gracePeriodDays: number;
  trustedDeviceDays: number;
  /** Second-factor methods members may enrol; empty = all. */
  allowedMethods: string[];
  selfServiceRecovery: boolean;
  /** Who may use email codes as a second factor ('off' by default). */
  emailCodes: 'off' | 'clients' | 'everyone';
  /** Members without 2FA confirm a browser never seen for their account with an emailed code. */
  newDeviceCheck: 'off' | 'staff' | 'everyone';
  /** For these members only passkeys and security keys count as a second factor. */
  phishingResistant: 'off' | 'staff' | 'everyone';
  /** Authenticator models (AAGUIDs) a passkey may be registered with; empty = any. */
  allowedAuthenticators: string[];
}

/** Whether an org's email-codes setting covers a member of this role. */
export function emailCodesCover(setting: string, role: Role): boolean {
  if (setting === 'everyone') return true;
  return setting === 'clients' && role === 'client';
}

export async function getPolicy(ctx: Ctx, orgId: string): Promise<OrgPolicy> {
  const row = await ctx.db.kysely.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow();
  return {
    requireTwoFactor: row.require_two_factor,
    gracePeriodDays: Number(row.grace_period_days),
    trustedDeviceDays: Number(row.trusted_device_days),
    allowedMethods: JSON.parse(row.allowed_methods) as string[],
    selfServiceRecovery: Number(row.self_service_recovery) === 1,
    emailCodes: row.email_codes,
    newDeviceCheck: row.new_device_check,
    phishingResistant: row.phishing_resistant,
    allowedAuthenticators: JSON.parse(row.allowed_authenticators) as string[],
  };
}

/** Members a requirement would cover who have no 2FA yet (for the confirmation dialog). */
export async function membersWithout2faInScope(ctx: Ctx, orgId: string, requirement: string): Promise<number> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role'])
    .where('m.org_id', '=', orgId)
    .where('u.two_factor_enabled', '=', 0)
    .execute();
  return rows.filter((r) => roleInScope(requirement, r.role)).length;
}

/** Why an org refuses a method to a person, or null when every org of theirs allows it. */
type Refusal = 'allowed_methods' | 'email_codes' | 'phishing_resistant' | null;

/** What a method is asked for: adding it, or using one already there (signing in, confirming it's you). */
export type MethodUse = 'enrol' | 'sign_in';

interface MethodRuleRow {
  readonly allowed_methods: string;
  readonly email_codes: string;
  readonly role: Role;
  readonly role_changed_at: string;
  readonly grace_period_days: number;
  readonly phishing_resistant: string;
  readonly phishing_resistant_staff_since: string | null;
  readonly phishing_resistant_everyone_since: string | null;
}

/** Read at every second step and enrolment: compiled once (src/db/prepared.ts). */
const methodRules = prepared((db: Kysely<Database>, userId: string) =>
  db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select([
      'o.allowed_methods',
      'o.email_codes',
      'm.role',
      'm.role_changed_at',
      'o.grace_period_days',
      'o.phishing_resistant',
      'o.phishing_resistant_staff_since',
      'o.phishing_resistant_everyone_since',
    ])
    .where('m.user_id', '=', userId),
);

async function methodRuleRows(ctx: Ctx, userId: string): Promise<MethodRuleRow[]> {
  return methodRules(ctx.db.kysely, userId);
}

/**
 * When the passkey-only rule stops accepting a member's other methods at sign-in: the org's grace period
 * after the rule began to apply to them (the 2FA requirement's machinery, src/core/enforcement.ts), the
 * earliest over their orgs; null when no org of theirs has the rule for their role.
 */
function passkeyDeadlineOf(rows: readonly MethodRuleRow[]): Date | null {
  let deadline: Date | null = null;
  for (const r of rows) {
    const due = deadlineFor(
      {
        requirement: r.phishing_resistant as Requirement,
        gracePeriodDays: Number(r.grace_period_days),
        staffRequiredSince: r.phishing_resistant_staff_since,
        everyoneRequiredSince: r.phishing_resistant_everyone_since,
      },
      { role: r.role, scopeChangedAt: r.role_changed_at },
    );
    if (due && (!deadline || due < deadline)) deadline = due;
  }
  return deadline;
}

/**
 * THE method rule, for enrolling, sending a code and signing in alike (the strictest policy wins):
 * - backup codes are recovery, not a method an org chooses: never refused here;
 * - under a phishing-resistant rule only passkeys can be added, and other methods stop working for sign-in
 *   at the member's grace deadline;
 * - email codes need every org of the person to allow them for their role there (nobody has them without
 *   an org that says so);
 * - every org that lists allowed methods must list the method (an empty list allows everything).
 */
function refusalOf(rows: readonly MethodRuleRow[], method: string, use: MethodUse, now: Date): Refusal {
  if (method === 'backup_code') return null;
  if (method !== 'passkey') {
    const deadline = passkeyDeadlineOf(rows);
    if (deadline && (use === 'enrol' || deadline <= now)) return 'phishing_resistant';
  }
  if (method === 'email' && (rows.length === 0 || !rows.every((r) => emailCodesCover(r.email_codes, r.role))))
    return 'email_codes';
  const listed = rows.every((r) => {
    const allowed = JSON.parse(r.allowed_methods) as string[];
    return allowed.length === 0 || allowed.includes(method);
  });
  return listed ? null : 'allowed_methods';
}

const REFUSALS: Record<Exclude<Refusal, null>, MessageKey> = {
  allowed_methods: 'errors:codes.method_not_allowed_by_org',
  email_codes: 'errors:messages.policy.emailCodes',
  phishing_resistant: 'errors:messages.policy.phishingResistant',
};

export async function assertMethodAllowed(ctx: Ctx, userId: string, method: string, use: MethodUse): Promise<void> {
  const refusal = refusalOf(await methodRuleRows(ctx, userId), method, use, ctx.clock());
  if (refusal === null) return;
  throw new AppError('method_not_allowed_by_org', {
    key: REFUSALS[refusal],
    details: { method, rule: refusal, ...(refusal === 'phishing_resistant' ? { addPasskey: true } : {}) },
  });
}

/** Of `methods`, those an org of the person does not accept (the Security page hides or marks them). */
export async function refusedMethods(ctx: Ctx, userId: string, methods: readonly string[]): Promise<string[]> {
  const rows = await methodRuleRows(ctx, userId);
  return methods.filter((m) => refusalOf(rows, m, 'enrol', ctx.clock()) !== null);
}

/** The person's deadline to add a passkey under a phishing-resistant rule (null: no such rule for them). */
export async function passkeyDeadline(ctx: Ctx, userId: string): Promise<Date | null> {
  return passkeyDeadlineOf(await methodRuleRows(ctx, userId));
}

/**
 * The authenticator models a passkey of this person may be (AAGUIDs, lowercase): the intersection of the
 * lists of their orgs that have one; null when none restricts them.
 */
export async function allowedAuthenticatorsFor(ctx: Ctx, userId: string): Promise<readonly string[] | null> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select('o.allowed_authenticators')
    .where('m.user_id', '=', userId)
    .execute();
  const lists = rows.map((r) => JSON.parse(r.allowed_authenticators) as string[]).filter((l) => l.length > 0);
  if (lists.length === 0) return null;
  return lists.reduce((kept, list) => kept.filter((a) => list.includes(a)));
}

/** The org's current requirement times (when "staff" and "everyone" became required), for the next policy. */
export async function requirementTimes(
  ctx: Ctx,
  orgId: string,
): Promise<{
  staffRequiredSince: string | null;
  everyoneRequiredSince: string | null;
  phishingResistantStaffSince: string | null;
  phishingResistantEveryoneSince: string | null;
}> {
  const row = await ctx.db.kysely
    .selectFrom('orgs')
    .select([
      'staff_required_since',
      'everyone_required_since',
      'phishing_resistant_staff_since',
      'phishing_resistant_everyone_since',
    ])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    staffRequiredSince: row.staff_required_since,
    everyoneRequiredSince: row.everyone_required_since,
    phishingResistantStaffSince: row.phishing_resistant_staff_since,
    phishingResistantEveryoneSince: row.phishing_resistant_everyone_since,
  };
}

/** Refuses a policy that leaves members only SMS or voice. */
export function checkPolicy(policy: OrgPolicy): void {
  // A safer method than SMS/voice must always stay available (NIST SP 800-63B rev 4 §3.1.3.1).
  if (policy.allowedMethods.length > 0 && !policy.allowedMethods.some((m) => m === 'totp' || m === 'passkey')) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.policy.saferMethod',
      details: { field: 'allowedMethods' },
    });
  }
}
