/**
 * The apps a person allowed to sign them in (their OpenID Connect consent grants), and taking that access
 * back: the grant and every code and token issued under it are deleted, so the app must ask again
 * (refresh tokens stop working at once).
 */
import type { Ctx } from '../context.ts';

export interface ConnectedApp {
  readonly clientId: string;
  readonly name: string;
  readonly orgName: string;
  readonly scopes: string[];
  readonly allowedAt: string;
}

export async function listConnectedApps(ctx: Ctx, userId: string): Promise<ConnectedApp[]> {
  const rows = await ctx.db.kysely
    .selectFrom('oidc_payloads as p')
    .innerJoin('oidc_clients as c', 'c.id', 'p.client_id')
    .innerJoin('orgs as o', 'o.id', 'c.org_id')
    .select(['p.client_id', 'p.payload', 'p.expires_at', 'c.name', 'o.name as org_name'])
    .where('p.model', '=', 'Grant')
    .where('p.account_id', '=', userId)
    .execute();
  const apps = new Map<string, ConnectedApp>();
  for (const row of rows) {
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) continue;
    const payload = JSON.parse(row.payload) as { iat?: number; openid?: { scope?: string } };
    const scopes = (payload.openid?.scope ?? '').split(' ').filter(Boolean);
    const allowedAt = new Date((payload.iat ?? 0) * 1000).toISOString();
    const known = apps.get(row.client_id!);
    apps.set(row.client_id!, {
      clientId: row.client_id!,
      name: row.name,
      orgName: row.org_name,
      scopes: [...new Set([...(known?.scopes ?? []), ...scopes])].sort(),
      allowedAt: known && known.allowedAt < allowedAt ? known.allowedAt : allowedAt,
    });
  }
  return [...apps.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes the app's access: its grants, codes and tokens for this user. False when it had none. */
export async function revokeConnectedApp(ctx: Ctx, userId: string, clientId: string): Promise<boolean> {
  const grants = await ctx.db.kysely
    .selectFrom('oidc_payloads')
    .select('id')
    .where('model', '=', 'Grant')
    .where('account_id', '=', userId)
    .where('client_id', '=', clientId)
    .execute();
  if (grants.length === 0) return false;
  await ctx.db.kysely
    .deleteFrom('oidc_payloads')
    .where('account_id', '=', userId)
    .where('client_id', '=', clientId)
    .execute();
  await ctx.db.kysely
    .deleteFrom('oidc_payloads')
    .where(
      'grant_id',
      'in',
      grants.map((g) => g.id),
    )
    .execute();
  return true;
}
