/**
 * A person's consent to an app (OpenID Connect): giving it — saving the grant the app asked for, once every
 * check of the interaction passed (src/oidc/interaction-checks.ts, run by the consent step before this) —
 * and taking it back from "Apps you signed in to".
 */
import type Provider from 'oidc-provider';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { ClientView } from '../oidc/clients.ts';
import { listConnectedApps, revokeConnectedApp, type ConnectedApp } from '../oidc/grants.ts';
import type { Acting } from './acting.ts';

/** What the provider says the app asks for beyond the person's existing grant. */
export interface MissingConsent {
  readonly missingOIDCScope?: readonly string[];
  readonly missingOIDCClaims?: readonly string[];
  readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Adds what the app asks for to the person's grant for it (a new grant when they have none) and saves it;
 * returns the grant's id for the interaction's result.
 */
export async function giveConsent(
  ctx: Ctx,
  by: Acting,
  input: {
    readonly grants: Provider['Grant'];
    readonly grantId: string | undefined;
    readonly client: ClientView;
    readonly missing: MissingConsent;
  },
): Promise<string> {
  const { session, meta } = by;
  const { client, missing } = input;
  const grant = input.grantId
    ? await input.grants.find(input.grantId)
    : new input.grants({ accountId: session.userId, clientId: client.clientId });
  if (!grant) throw new AppError('challenge_expired');
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims([...missing.missingOIDCClaims]);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await audit(ctx, meta, {
    event: 'oidc.consent_given',
    actorUserId: session.userId,
    targetUserId: session.userId,
    orgId: client.orgId,
    details: { clientId: client.clientId, scope: (missing.missingOIDCScope ?? []).join(' ') },
  });
  return grantId;
}

/** Takes an app's access back: its grants, codes and tokens for the session's user; 404 when it had none. */
export async function revokeAppAccess(ctx: Ctx, by: Acting, clientId: string): Promise<ConnectedApp> {
  const { session, meta } = by;
  const found = (await listConnectedApps(ctx, session.userId)).find((a) => a.clientId === clientId);
  if (!found || !(await revokeConnectedApp(ctx, session.userId, clientId))) throw new AppError('not_found');
  await audit(ctx, meta, {
    event: 'oidc.access_revoked',
    actorUserId: session.userId,
    targetUserId: session.userId,
    details: { clientId },
  });
  return found;
}
