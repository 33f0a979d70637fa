/**
 * The org security policy as it applies to one user: the strictest of all their orgs wins
 * (PRODUCT.md "People and roles"). Scope "staff" covers owners, admins and staff; "everyone" adds clients.
 */
import { TRUSTED_DEVICE } from '../config/defaults.ts';
import type { Ctx } from '../context.ts';
import type { Role } from '../db/schema.ts';

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
