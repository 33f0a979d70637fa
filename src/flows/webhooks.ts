/**
 * Managing an org's webhook endpoints — one flow per action, called by the JSON API and the Webhooks page
 * alike: owners and admins of the org only; adding an endpoint and rotating its secret need a fresh
 * re-authentication (they hand out a signing secret); every change is audited. The secret is returned once.
 */
import { WEBHOOKS } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { AppError } from '../errors.ts';
import { requireManager } from '../orgs/service.ts';
import { hasRecentReauth, type SessionView } from '../sessions/service.ts';
import { isWebhookEvent } from '../webhooks/events.ts';
import { newWebhookSecret } from '../webhooks/signature.ts';
import { parseWebhookUrl } from '../webhooks/targets.ts';
import { deliverDueWebhooks } from '../webhooks/deliver.ts';
import {
  countWebhooks,
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  requeueDelivery,
  rotateWebhookSecret,
  updateWebhook,
  type Delivery,
  type Webhook,
} from '../webhooks/store.ts';

/** Who is acting: their session (API keys carry no fresh re-authentication, so they never rotate or create). */
export interface Actor {
  readonly userId: string;
  readonly session: Pick<SessionView, 'reauthenticatedAt'>;
}

function requireFreshProof(ctx: Ctx, actor: Actor): void {
  if (!hasRecentReauth(ctx, actor.session as SessionView)) throw new AppError('reauthentication_required');
}

function parseEvents(events: readonly string[]): string[] {
  const list = [...new Set(events)];
  if (list.length === 0)
    throw new AppError('invalid_request', { message: 'Choose at least one event.', details: { field: 'events' } });
  const unknown = list.find((e) => e !== '*' && !isWebhookEvent(e));
  if (unknown !== undefined) {
    throw new AppError('invalid_request', {
      message: `Unknown event type: ${unknown.slice(0, 60)}.`,
      details: { field: 'events' },
    });
  }
  return list;
}

async function existing(ctx: Ctx, orgId: string, id: string): Promise<Webhook> {
  const webhook = await findWebhook(ctx, orgId, id);
  if (!webhook) throw new AppError('not_found');
  return webhook;
}

export async function listOrgWebhooks(ctx: Ctx, actor: Actor, orgId: string): Promise<Webhook[]> {
  await requireManager(ctx, orgId, actor.userId);
  return listWebhooks(ctx, orgId);
}

export async function createOrgWebhook(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  input: { url: string; events: readonly string[] },
  meta: RequestMeta,
): Promise<{ webhook: Webhook; secret: string }> {
  await requireManager(ctx, orgId, actor.userId);
  requireFreshProof(ctx, actor);
  const url = parseWebhookUrl(input.url, ctx.config.webhookAllowPrivateTargets);
  const events = parseEvents(input.events);
  if ((await countWebhooks(ctx, orgId)) >= WEBHOOKS.maxEndpointsPerOrg) {
    throw new AppError('conflict', {
      message: `An organization can have at most ${WEBHOOKS.maxEndpointsPerOrg} webhook endpoints.`,
    });
  }
  const secret = newWebhookSecret();
  const webhook = await insertWebhook(ctx, { orgId, url, events, secret, createdBy: actor.userId });
  await audit(ctx, meta, {
    event: 'webhook.created',
    actorUserId: actor.userId,
    orgId,
    details: { webhookId: webhook.id, url, events: events.join(' ') },
  });
  return { webhook, secret };
}

export async function updateOrgWebhook(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  id: string,
  input: { url?: string; events?: readonly string[]; enabled?: boolean },
  meta: RequestMeta,
): Promise<Webhook> {
  await requireManager(ctx, orgId, actor.userId);
  await existing(ctx, orgId, id);
  const change = {
    ...(input.url !== undefined ? { url: parseWebhookUrl(input.url, ctx.config.webhookAllowPrivateTargets) } : {}),
    ...(input.events !== undefined ? { events: parseEvents(input.events) } : {}),
    ...(input.enabled !== undefined
      ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'turned_off' }
      : {}),
  };
  await updateWebhook(ctx, orgId, id, change);
  await audit(ctx, meta, {
    event: 'webhook.updated',
    actorUserId: actor.userId,
    orgId,
    details: {
      webhookId: id,
      ...('enabled' in change ? { enabled: change.enabled } : {}),
      ...(change.url ? { url: change.url } : {}),
    },
  });
  return existing(ctx, orgId, id);
}

export async function deleteOrgWebhook(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  await requireManager(ctx, orgId, actor.userId);
  const webhook = await existing(ctx, orgId, id);
  await deleteWebhook(ctx, orgId, id);
  await audit(ctx, meta, {
    event: 'webhook.deleted',
    actorUserId: actor.userId,
    orgId,
    details: { webhookId: id, url: webhook.url },
  });
}

/** A new secret; the previous one keeps signing too for `keepOldSecretHours` (0: a leaked secret stops now). */
export async function rotateOrgWebhookSecret(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  id: string,
  keepOldSecretHours: number,
  meta: RequestMeta,
): Promise<{ webhook: Webhook; secret: string }> {
  await requireManager(ctx, orgId, actor.userId);
  requireFreshProof(ctx, actor);
  await existing(ctx, orgId, id);
  if (
    !Number.isInteger(keepOldSecretHours) ||
    keepOldSecretHours < 0 ||
    keepOldSecretHours > WEBHOOKS.maxOverlapHours
  ) {
    throw new AppError('invalid_request', {
      message: `Keep the old secret 0–${WEBHOOKS.maxOverlapHours} hours.`,
      details: { field: 'keepOldSecretHours' },
    });
  }
  const secret = newWebhookSecret();
  const until =
    keepOldSecretHours > 0 ? new Date(ctx.clock().getTime() + keepOldSecretHours * 3_600_000).toISOString() : null;
  await rotateWebhookSecret(ctx, orgId, id, secret, until);
  await audit(ctx, meta, {
    event: 'webhook.secret_rotated',
    actorUserId: actor.userId,
    orgId,
    details: { webhookId: id, keepOldSecretHours },
  });
  return { webhook: await existing(ctx, orgId, id), secret };
}

export async function webhookDeliveries(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  id: string,
  limit = 50,
): Promise<Delivery[]> {
  await requireManager(ctx, orgId, actor.userId);
  await existing(ctx, orgId, id);
  return listDeliveries(ctx, id, Math.min(Math.max(limit, 1), 100));
}

/** Sends a message again (same message id, from the start of the retry schedule). */
export async function redeliverWebhookMessage(
  ctx: Ctx,
  actor: Actor,
  orgId: string,
  id: string,
  deliveryId: string,
  meta: RequestMeta,
): Promise<void> {
  await requireManager(ctx, orgId, actor.userId);
  const webhook = await existing(ctx, orgId, id);
  if (!webhook.enabled)
    throw new AppError('conflict', { message: 'Turn the endpoint back on before sending messages to it again.' });
  if (!(await requeueDelivery(ctx, id, deliveryId))) throw new AppError('not_found');
  await audit(ctx, meta, {
    event: 'webhook.redelivered',
    actorUserId: actor.userId,
    orgId,
    details: { webhookId: id, deliveryId },
  });
  void deliverDueWebhooks(ctx).catch(() => undefined);
}
