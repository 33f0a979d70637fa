/**
 * Apps that sign in through twofold (OpenID Connect clients), managed by an org's owners and admins.
 * Registering an app and giving it a new secret hand out a credential: both need a fresh
 * re-authentication (sudo), and the secret is returned once.
 */
import { audit, type Ctx } from '../context.ts';
import {
  createClient,
  deleteClient,
  rotateClientSecret,
  updateClient,
  type ClientInput,
  type ClientView,
} from '../oidc/clients.ts';
import { requireManager } from '../orgs/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

export async function registerApp(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly app: ClientInput },
): Promise<{ client: ClientView; clientSecret: string | null }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  await requireManager(ctx, input.orgId, session.userId);
  const created = await createClient(ctx, input.orgId, session.userId, input.app);
  await audit(ctx, meta, {
    event: 'oidc_client.created',
    actorUserId: session.userId,
    orgId: input.orgId,
    details: { clientId: created.client.clientId, name: created.client.name, kind: created.client.kind },
  });
  return created;
}

/** Changes an app's name and addresses (owner/admin). */
export async function updateApp(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly clientId: string; readonly app: Omit<ClientInput, 'kind'> },
): Promise<ClientView> {
  const { session, meta } = by;
  const { orgId, clientId } = input;
  await requireManager(ctx, orgId, session.userId);
  const client = await updateClient(ctx, orgId, clientId, input.app);
  await audit(ctx, meta, { event: 'oidc_client.updated', actorUserId: session.userId, orgId, details: { clientId } });
  return client;
}

/** A new secret for a confidential app; the old one keeps working for `keepOldHours` (0: stops at once). */
export async function rotateAppSecret(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly clientId: string; readonly keepOldHours: number },
): Promise<{ client: ClientView; clientSecret: string }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { orgId, clientId, keepOldHours } = input;
  await requireManager(ctx, orgId, session.userId);
  const rotated = await rotateClientSecret(ctx, orgId, clientId, keepOldHours);
  await audit(ctx, meta, {
    event: 'oidc_client.secret_rotated',
    actorUserId: session.userId,
    orgId,
    details: { clientId, keepOldHours },
  });
  return rotated;
}

/** Deletes an app and every grant, code and token issued to it (owner/admin); returns what it was. */
export async function deleteApp(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly clientId: string },
): Promise<ClientView> {
  const { session, meta } = by;
  const { orgId, clientId } = input;
  await requireManager(ctx, orgId, session.userId);
  const deleted = await deleteClient(ctx, orgId, clientId);
  await audit(ctx, meta, {
    event: 'oidc_client.deleted',
    actorUserId: session.userId,
    orgId,
    details: { clientId, name: deleted.name },
  });
  return deleted;
}
