/**
 * The org's 2FA compliance read models (docs/product.md "Org security settings"): every member's deadline, and
 * adoption over time. The compliance list with each member's methods, the reminders and the admin reset
 * are flows (src/flows/compliance.ts, src/flows/reset-member.ts).
 */
import type { Ctx } from '../context.ts';
import { deadlineFor, memberDeadline, type Requirement } from '../core/enforcement.ts';
import { listMembers, type MemberView } from './service.ts';
import { exceptionsFromRow, exceptionsInOrg, type MemberExceptionView } from './exemptions.ts';

export interface MemberDeadline extends MemberView, MemberExceptionView {
  /** When the member must have 2FA by (null: not required, exempt, or already on). */
  deadline: string | null;
  overdue: boolean;
}

export async function membersWithDeadlines(ctx: Ctx, orgId: string): Promise<MemberDeadline[]> {
  const org = await ctx.db.kysely.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow();
  const scopes = await ctx.db.kysely
    .selectFrom('memberships')
    .select(['user_id', 'role_changed_at'])
    .where('org_id', '=', orgId)
    .execute();
  const scopeOf = new Map(scopes.map((s) => [s.user_id, s.role_changed_at]));
  const exceptions = await exceptionsInOrg(ctx, orgId);
  const now = ctx.clock();
  return (await listMembers(ctx, orgId)).map((m) => {
    const own = exceptions.get(m.userId) ?? { exemption: null, extendedDeadline: null };
    const due = m.twoFactorEnabled
      ? null
      : memberDeadline(
          deadlineFor(
            {
              requirement: org.require_two_factor as Requirement,
              gracePeriodDays: Number(org.grace_period_days),
              staffRequiredSince: org.staff_required_since,
              everyoneRequiredSince: org.everyone_required_since,
            },
            { role: m.role, scopeChangedAt: scopeOf.get(m.userId) ?? m.joinedAt },
          ),
          exceptionsFromRow({
            exempt_until: own.exemption?.expiresAt ?? null,
            break_glass: own.exemption?.breakGlass ? 1 : 0,
            extended_deadline: own.extendedDeadline,
          }),
          null,
          now,
        );
    return { ...m, ...own, deadline: due?.toISOString() ?? null, overdue: due !== null && due <= now };
  });
}

export interface AdoptionPoint {
  date: string;
  enabled: number;
  members: number;
}

/**
 * Members with 2FA at the end of each of the last `days` days, rebuilt from the audit log
 * (two_factor.enabled / disabled / reset). Members without such events keep their current state.
 */
export async function adoptionSeries(ctx: Ctx, orgId: string, days: number): Promise<AdoptionPoint[]> {
  const members = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.two_factor_enabled', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .execute();
  const ids = members.map((m) => m.id);
  const events =
    ids.length === 0
      ? []
      : await ctx.db.kysely
          .selectFrom('audit_events')
          .select(['target_user_id', 'event', 'at'])
          .where('event', 'in', ['two_factor.enabled', 'two_factor.disabled', 'two_factor.reset'])
          .where('target_user_id', 'in', ids)
          .orderBy('at')
          .execute();
  const now = ctx.clock();
  const points: AdoptionPoint[] = [];
  for (let back = days - 1; back >= 0; back -= 1) {
    const end = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back, 23, 59, 59, 999),
    ).toISOString();
    let enabled = 0;
    let count = 0;
    for (const m of members) {
      if (m.created_at > end) continue;
      count += 1;
      const own = events.filter((e) => e.target_user_id === m.id);
      const last = own.filter((e) => e.at <= end).pop();
      const on = last ? last.event === 'two_factor.enabled' : own.length === 0 && Number(m.two_factor_enabled) === 1;
      if (on) enabled += 1;
    }
    points.push({ date: end.slice(0, 10), enabled, members: count });
  }
  return points;
}
