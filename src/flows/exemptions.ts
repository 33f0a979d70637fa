/**
 * Exceptions to an org's 2FA requirement (docs/decisions.md "Exemptions and extensions"): an owner — or an admin,
 * for members they manage — exempts a member for at most EXEMPTION.maxDays, or extends their deadline; an owner
 * designates the org's one break-glass account (no expiry). Each needs sudo, is audited and is emailed to the
 * member and every owner. How an exception changes a deadline is one rule (src/core/enforcement.ts
 * memberDeadline), so an exemption ends by itself when its time is up.
 */
import { audit, inTransaction, link, type Ctx } from '../context.ts';
import { EXEMPTION, ORG_POLICY } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import type { Role } from '../db/schema.ts';
import { policyTemplates } from '../mail/policy-templates.ts';
import { recipientOf, type Recipient } from '../mail/templates.ts';
import type { OutgoingMail } from '../mail/transport.ts';
import { findMember, mayManage, requireManager, type Member, type Org } from '../orgs/service.ts';
import { deleteExemption, exceptionsOf, putExemption, putExtendedDeadline } from '../orgs/exemptions.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

const DAY_MS = 86_400_000;

export type ExemptionInput =
  | { readonly reason: string; readonly expiresAt: string; readonly breakGlass?: false }
  | { readonly reason: string; readonly breakGlass: true };

interface Governed {
  readonly org: Org;
  readonly actorRole: Role;
  readonly actorEmail: string;
  readonly target: Member;
}

/** What is being done to the member: names the refusals (errors:messages.exemptions.self… / admins…). */
type GovernedAction = 'Grant' | 'End' | 'Extend';

/** Sudo, a manager of the org who may manage the member (the rule of src/orgs/service.ts mayManage), not oneself. */
async function governed(ctx: Ctx, by: Acting, orgId: string, userId: string, what: GovernedAction): Promise<Governed> {
  requireRecentReauthentication(ctx, by.session);
  const { org, role: actorRole } = await requireManager(ctx, orgId, by.session.userId);
  const target = await findMember(ctx, orgId, userId);
  if (by.session.userId === userId) throw new AppError('forbidden', { key: `errors:messages.exemptions.self${what}` });
  if (!mayManage(actorRole, target.role))
    throw new AppError('forbidden', { key: `errors:messages.exemptions.admins${what}` });
  return { org, actorRole, actorEmail: by.session.user.email, target };
}

function parseTime(value: string, field: string): Date {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time.getTime()))
    throw new AppError('invalid_request', {
      key: 'errors:messages.exemptions.isoTime',
      details: { field },
    });
  return time;
}

function cleanReason(reason: string): string {
  const clean = reason.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (!clean || clean.length > EXEMPTION.reasonMaxLength)
    throw new AppError('invalid_request', {
      key: 'errors:messages.exemptions.reason',
      values: { max: EXEMPTION.reasonMaxLength },
      details: { field: 'reason' },
    });
  return clean;
}

/** The member and every owner, once each, each in their saved language. */
async function notify(ctx: Ctx, g: Governed, message: (to: Recipient, url: string) => OutgoingMail): Promise<void> {
  const owners = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.email', 'u.locale', 'u.time_zone'])
    .where('m.org_id', '=', g.org.id)
    .where('m.role', '=', 'owner')
    .where('m.user_id', '!=', g.target.userId)
    .orderBy('u.email')
    .execute();
  await ctx.mail.send(message(g.target, link(ctx, '/profile/security')), ctx.clock());
  for (const owner of owners)
    await ctx.mail.send(message(recipientOf(owner), link(ctx, `/orgs/${g.org.id}/compliance`)), ctx.clock());
}

export interface ExemptionResult {
  readonly reason: string;
  readonly expiresAt: string | null;
  readonly breakGlass: boolean;
}

/** Exempts a member from the org's 2FA requirement until `expiresAt` (or, owner-only, as the break-glass account). */
export async function grantExemption(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly exemption: ExemptionInput },
): Promise<ExemptionResult> {
  const g = await governed(ctx, by, input.orgId, input.userId, 'Grant');
  const reason = cleanReason(input.exemption.reason);
  const breakGlass = input.exemption.breakGlass === true;
  const current = await exceptionsOf(ctx, g.org.id, g.target.userId);
  if ((breakGlass || current?.exemption?.breakGlass) && g.actorRole !== 'owner')
    throw new AppError('forbidden', { key: 'errors:messages.exemptions.breakGlassOwnerOnly' });
  let expiresAt: string | null = null;
  if (!input.exemption.breakGlass) {
    const until = parseTime(input.exemption.expiresAt, 'expiresAt');
    const now = ctx.clock();
    if (until <= now)
      throw new AppError('invalid_request', {
        key: 'errors:messages.exemptions.endInPast',
        details: { field: 'expiresAt' },
      });
    if (until.getTime() - now.getTime() > EXEMPTION.maxDays * DAY_MS)
      throw new AppError('exemption_too_long', {
        key: 'errors:messages.exemptions.tooLong',
        values: { maxDays: EXEMPTION.maxDays },
        details: { field: 'expiresAt', maxDays: EXEMPTION.maxDays },
      });
    expiresAt = until.toISOString();
  }
  await inTransaction(ctx, async (tx) => {
    await putExemption(tx, g.org.id, g.target.userId, { reason, expiresAt, breakGlass, by: by.session.userId });
    await audit(tx, by.meta, {
      event: 'exemption.granted',
      actorUserId: by.session.userId,
      targetUserId: g.target.userId,
      orgId: g.org.id,
      details: { reason, expiresAt, breakGlass },
    });
  });
  const about = {
    productName: ctx.config.productName,
    orgName: g.org.name,
    memberEmail: g.target.email,
    byEmail: g.actorEmail,
  };
  await notify(ctx, g, (to, url) => policyTemplates.exemptionGranted(to, { ...about, url, reason, expiresAt }));
  return { reason, expiresAt, breakGlass };
}

/** Ends a member's exemption now; `changed` is false when there was none. */
export async function endExemption(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string },
): Promise<{ changed: boolean }> {
  const g = await governed(ctx, by, input.orgId, input.userId, 'End');
  const current = await exceptionsOf(ctx, g.org.id, g.target.userId);
  const breakGlass = current?.exemption?.breakGlass === true;
  if (breakGlass && g.actorRole !== 'owner')
    throw new AppError('forbidden', { key: 'errors:messages.exemptions.breakGlassChange' });
  const changed = await inTransaction(ctx, async (tx) => {
    if (!(await deleteExemption(tx, g.org.id, g.target.userId))) return false;
    await audit(tx, by.meta, {
      event: 'exemption.ended',
      actorUserId: by.session.userId,
      targetUserId: g.target.userId,
      orgId: g.org.id,
      details: { breakGlass, cause: 'ended' },
    });
    return true;
  });
  if (changed) {
    const about = {
      productName: ctx.config.productName,
      orgName: g.org.name,
      memberEmail: g.target.email,
      byEmail: g.actorEmail,
    };
    await notify(ctx, g, (to, url) => policyTemplates.exemptionEnded(to, { ...about, url, breakGlass }));
  }
  return { changed };
}

/** Gives one member a later 2FA deadline in the org: at most ORG_POLICY.gracePeriodMaxDays from now. */
export async function extendDeadline(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly userId: string; readonly deadline: string },
): Promise<{ deadline: string }> {
  const g = await governed(ctx, by, input.orgId, input.userId, 'Extend');
  const until = parseTime(input.deadline, 'deadline');
  const now = ctx.clock();
  if (until <= now)
    throw new AppError('invalid_request', {
      key: 'errors:messages.exemptions.deadlineInPast',
      details: { field: 'deadline' },
    });
  if (until.getTime() - now.getTime() > ORG_POLICY.gracePeriodMaxDays * DAY_MS)
    throw new AppError('deadline_too_late', {
      key: 'errors:messages.exemptions.deadlineTooLate',
      values: { maxDays: ORG_POLICY.gracePeriodMaxDays },
      details: { field: 'deadline', maxDays: ORG_POLICY.gracePeriodMaxDays },
    });
  const deadline = until.toISOString();
  await inTransaction(ctx, async (tx) => {
    await putExtendedDeadline(tx, g.org.id, g.target.userId, { deadline, by: by.session.userId });
    await audit(tx, by.meta, {
      event: 'deadline.extended',
      actorUserId: by.session.userId,
      targetUserId: g.target.userId,
      orgId: g.org.id,
      details: { deadline },
    });
  });
  const about = {
    productName: ctx.config.productName,
    orgName: g.org.name,
    memberEmail: g.target.email,
    byEmail: g.actorEmail,
  };
  await notify(ctx, g, (to, url) => policyTemplates.deadlineExtended(to, { ...about, url, deadline }));
  return { deadline };
}
