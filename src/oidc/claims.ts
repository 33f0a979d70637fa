/**
 * What an app learns about a user (OIDC Core 1.0 §5.4): `sub` (twofold's stable user id), email, name, and —
 * with the `org` scope — the org that registered the app and the user's role in it. Only members of that
 * org are signed in to its apps, so the role is always there.
 */
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { Ctx } from '../context.ts';
import { findClient } from './clients.ts';
import { appAccess } from './access.ts';

/**
 * The provider's findAccount. With a `source` (the authorization code, refresh token or access token being
 * used) the app-access rule is asked again: a member removed, suspended or past an org's 2FA deadline since
 * consent gets no new tokens and no userinfo (the provider answers invalid_grant / invalid_token). Without
 * one (the authorization endpoint) the interaction policy asks it instead (src/oidc/provider.ts).
 */
export async function accountClaims(
  ctx: Ctx,
  koa: KoaContextWithOIDC,
  sub: string,
  source?: { clientId?: string },
): Promise<Account | undefined> {
  const user = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'email', 'name', 'email_verified_at'])
    .where('id', '=', sub)
    .executeTakeFirst();
  if (!user) return undefined;
  const clientId = source?.clientId ?? koa.oidc.client?.clientId;
  if (source) {
    const client = clientId ? await findClient(ctx.db, clientId) : null;
    if (!client || !(await appAccess(ctx, user.id, client.orgId)).allowed) return undefined;
  }
  return {
    accountId: user.id,
    async claims() {
      const client = clientId ? await findClient(ctx.db, clientId) : null;
      const membership = client
        ? await ctx.db.kysely
            .selectFrom('memberships as m')
            .innerJoin('orgs as o', 'o.id', 'm.org_id')
            .select(['o.id', 'o.name', 'm.role'])
            .where('m.org_id', '=', client.orgId)
            .where('m.user_id', '=', user.id)
            .executeTakeFirst()
        : undefined;
      return {
        sub: user.id,
        email: user.email,
        // The stored fact (src/accounts/verification.ts): the person followed a link twofold emailed.
        email_verified: user.email_verified_at !== null,
        name: user.name || undefined,
        ...(membership ? { org_id: membership.id, org_name: membership.name, roles: [membership.role] } : {}),
      };
    },
  };
}
