/**
 * Who may sign in to an org's app — the one rule every OpenID Connect path asks: each interaction step
 * (sign-in, re-authentication, step-up, consent), the authorization endpoint when the browser already has a
 * provider session (prompt=none included), and the token, refresh and userinfo endpoints.
 *
 * Allowed: a member of the app's org, whose account is not suspended and who is not past an org's 2FA
 * deadline without a second factor (then only enrolment is open, as everywhere else in twofold).
 */
import type { Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';
import { enrolmentOverdue } from '../orgs/enforcement.ts';

export type AppAccess =
  | { readonly allowed: true; readonly role: Role }
  | { readonly allowed: false; readonly reason: 'not_member' | 'suspended' | 'enrollment_required' };

export async function appAccess(ctx: Ctx, userId: string, orgId: string): Promise<AppAccess> {
  const row = await ctx.db.kysely
    .selectFrom('users as u')
    .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 'u.id').on('m.org_id', '=', orgId))
    .select(['u.two_factor_enabled', 'u.suspended_at', 'm.role'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row || !row.role) return { allowed: false, reason: 'not_member' };
  if (row.suspended_at) return { allowed: false, reason: 'suspended' };
  if (await enrolmentOverdue(ctx, userId, Number(row.two_factor_enabled) === 1))
    return { allowed: false, reason: 'enrollment_required' };
  return { allowed: true, role: row.role };
}
