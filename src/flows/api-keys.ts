/**
 * API keys for machines (docs/product.md "API keys"): a person's own keys, and an org's keys managed by its
 * owners and admins. Creating a key needs a fresh re-authentication (sudo): it is a credential that skips
 * two-factor authentication. The key is returned once.
 */
import { audit, type Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { insertApiKey, revokeApiKeyRow, type ApiKeyScope, type ApiKeyView } from '../api-keys/service.ts';
import { requireManager } from '../orgs/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

/** `orgId` null: a personal key of the session's user; otherwise a key of that org (owner/admin). */
export async function createApiKey(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string | null; readonly name: string; readonly scope: ApiKeyScope },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  if (input.orgId !== null) await requireManager(ctx, input.orgId, session.userId);
  const created = await insertApiKey(
    ctx,
    { userId: session.userId, orgId: input.orgId },
    { name: input.name, scope: input.scope },
  );
  await audit(ctx, meta, {
    event: 'api_key.created',
    actorUserId: session.userId,
    targetUserId: session.userId,
    orgId: input.orgId,
    details: { apiKeyId: created.apiKey.id, name: created.apiKey.name, scope: created.apiKey.scope },
  });
  return created;
}

export async function revokeApiKey(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string | null; readonly id: string },
): Promise<void> {
  const { session, meta } = by;
  if (input.orgId !== null) await requireManager(ctx, input.orgId, session.userId);
  const owner = input.orgId !== null ? { orgId: input.orgId } : { userId: session.userId };
  if (!(await revokeApiKeyRow(ctx, owner, input.id))) throw new AppError('not_found');
  await audit(ctx, meta, {
    event: 'api_key.revoked',
    actorUserId: session.userId,
    orgId: input.orgId,
    details: { apiKeyId: input.id },
  });
}
