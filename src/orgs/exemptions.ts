/**
 * Per-member exceptions to an org's 2FA requirement (docs/decisions.md "Exemptions and extensions"): the only
 * writer of `member_policy_overrides`, and its read models. Who may grant them is the flows' business
 * (src/flows/exemptions.ts); how they change a deadline is one pure rule (src/core/enforcement.ts memberDeadline).
 */
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { isExempt, type MemberExceptions } from '../core/enforcement.ts';

interface ExceptionColumns {
  readonly exempt_until: string | null;
  readonly break_glass: number | string | null;
  readonly extended_deadline: string | null;
}

/** The rule's view of a row (absent row, from a left join: no exceptions). */
export function exceptionsFromRow(row: ExceptionColumns): MemberExceptions | null {
  if (row.exempt_until === null && row.extended_deadline === null && !Number(row.break_glass)) return null;
  return {
    exemptUntil: row.exempt_until,
    breakGlass: Number(row.break_glass) === 1,
    extendedDeadline: row.extended_deadline,
  };
}

/** What the compliance view shows about a member's exceptions. */
export interface MemberExceptionView {
  readonly exemption: {
    readonly reason: string;
    /** null: the break-glass account (no expiry). */
    readonly expiresAt: string | null;
    readonly breakGlass: boolean;
    /** false once it has ended by itself (it stays listed as ended until replaced or removed). */
    readonly active: boolean;
    readonly grantedAt: string | null;
    readonly grantedBy: string | null;
  } | null;
  readonly extendedDeadline: string | null;
}

export async function exceptionsInOrg(ctx: Ctx, orgId: string): Promise<Map<string, MemberExceptionView>> {
  const rows = await ctx.db.kysely
    .selectFrom('member_policy_overrides as x')
    .leftJoin('users as g', 'g.id', 'x.exempted_by')
    .select([
      'x.user_id',
      'x.exemption_reason',
      'x.exempt_until',
      'x.break_glass',
      'x.exempted_at',
      'x.extended_deadline',
      'g.email as granted_by',
    ])
    .where('x.org_id', '=', orgId)
    .execute();
  const now = ctx.clock();
  return new Map(
    rows.map((r) => {
      const exceptions = exceptionsFromRow(r);
      const hasExemption = r.exemption_reason !== null;
      return [
        r.user_id,
        {
          exemption: hasExemption
            ? {
                reason: r.exemption_reason ?? '',
                expiresAt: r.exempt_until,
                breakGlass: Number(r.break_glass) === 1,
                active: isExempt(exceptions, now),
                grantedAt: r.exempted_at,
                grantedBy: r.granted_by,
              }
            : null,
          extendedDeadline: r.extended_deadline,
        },
      ];
    }),
  );
}

export async function exceptionsOf(ctx: Ctx, orgId: string, userId: string): Promise<MemberExceptionView | null> {
  return (await exceptionsInOrg(ctx, orgId)).get(userId) ?? null;
}

/**
 * Sets the member's exemption (replacing any). A second break-glass account in the org fails on the partial
 * unique index, also when two owners designate one at once: `break_glass_taken`.
 */
export async function putExemption(
  ctx: Ctx,
  orgId: string,
  userId: string,
  exemption: { reason: string; expiresAt: string | null; breakGlass: boolean; by: string },
): Promise<void> {
  const values = {
    exemption_reason: exemption.reason,
    exempt_until: exemption.expiresAt,
    break_glass: exemption.breakGlass ? 1 : 0,
    exempted_by: exemption.by,
    exempted_at: ctx.clock().toISOString(),
  };
  try {
    await ctx.db.kysely
      .insertInto('member_policy_overrides')
      .values({ org_id: orgId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet(values))
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('break_glass_taken');
    throw error;
  }
}

/** Removes the member's exemption; false when there was none. */
export async function deleteExemption(ctx: Ctx, orgId: string, userId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('member_policy_overrides')
    .set({ exemption_reason: null, exempt_until: null, break_glass: 0, exempted_by: null, exempted_at: null })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('exemption_reason', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function putExtendedDeadline(
  ctx: Ctx,
  orgId: string,
  userId: string,
  extension: { deadline: string; by: string },
): Promise<void> {
  const values = {
    extended_deadline: extension.deadline,
    extended_by: extension.by,
    extended_at: ctx.clock().toISOString(),
  };
  await ctx.db.kysely
    .insertInto('member_policy_overrides')
    .values({ org_id: orgId, user_id: userId, break_glass: 0, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet(values))
    .execute();
}
