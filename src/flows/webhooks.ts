/**
 * Managing an org's webhook endpoints — one flow per action, called by the JSON API and the Webhooks page
 * alike: owners and admins of the org only; adding an endpoint and rotating its secret need a fresh
 * re-authentication (they hand out a signing secret); every change is audited. The secret is returned once.
 */
import { WEBHOOKS } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireManager } from '../orgs/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';
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

function parseEvents(events: readonly string[]): string[] {
  const list = [...new Set(events)];
  if (list.length === 0)
    throw new AppError('invalid_request', { key: 'errors:messages.webhooks.noEvents', details: { field: 'events' } });
  const unknown = list.find((e) => e !== '*' && !isWebhookEvent(e));
  if (unknown !== undefined) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.webhooks.unknownEvent',
      values: { event: unknown.slice(0, 60) },
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

export async function listOrgWebhooks(ctx: Ctx, acting: Acting, orgId: string): Promise<Webhook[]> {
  await requireManager(ctx, orgId, acting.session.userId);
  return listWebhooks(ctx, orgId);
}

export async function createOrgWebhook(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  input: { url: string; events: readonly string[] },
): Promise<{ webhook: Webhook; secret: string }> {
  await requireManager(ctx, orgId, acting.session.userId);
  requireRecentReauthentication(ctx, acting.session);
  const url = parseWebhookUrl(input.url, ctx.config.webhookAllowPrivateTargets);
  const events = parseEvents(input.events);
  if ((await countWebhooks(ctx, orgId)) >= WEBHOOKS.maxEndpointsPerOrg) {
    throw new AppError('conflict', {
      key: 'errors:messages.webhooks.tooMany',
      values: { max: WEBHOOKS.maxEndpointsPerOrg },
    });
  }
  const secret = newWebhookSecret();
  const webhook = await insertWebhook(ctx, { orgId, url, events, secret, createdBy: acting.session.userId });
  await audit(ctx, acting.meta, {
    event: 'webhook.created',
    actorUserId: acting.session.userId,
    orgId,
    details: { webhookId: webhook.id, url, events: events.join(' ') },
  });
  return { webhook, secret };
}

export async function updateOrgWebhook(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  id: string,
  input: { url?: string; events?: readonly string[]; enabled?: boolean },
): Promise<Webhook> {
  await requireManager(ctx, orgId, acting.session.userId);
  await existing(ctx, orgId, id);
  const change = {
    ...(input.url !== undefined ? { url: parseWebhookUrl(input.url, ctx.config.webhookAllowPrivateTargets) } : {}),
    ...(input.events !== undefined ? { events: parseEvents(input.events) } : {}),
    ...(input.enabled !== undefined
      ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'turned_off' }
      : {}),
  };
  await updateWebhook(ctx, orgId, id, change);
  await audit(ctx, acting.meta, {
    event: 'webhook.updated',
    actorUserId: acting.session.userId,
    orgId,
    details: {
      webhookId: id,
      ...('enabled' in change ? { enabled: change.enabled } : {}),
      ...(change.url ? { url: change.url } : {}),
    },
  });
  return existing(ctx, orgId, id);
}

export async function deleteOrgWebhook(ctx: Ctx, acting: Acting, orgId: string, id: string): Promise<void> {
  await requireManager(ctx, orgId, acting.session.userId);
  const webhook = await existing(ctx, orgId, id);
  await deleteWebhook(ctx, orgId, id);
  await audit(ctx, acting.meta, {
    event: 'webhook.deleted',
    actorUserId: acting.session.userId,
    orgId,
    details: { webhookId: id, url: webhook.url },
  });
}

/** A new secret; the previous one keeps signing too for `keepOldSecretHours` (0: a leaked secret stops now). */
export async function rotateOrgWebhookSecret(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  id: string,
  keepOldSecretHours: number,
): Promise<{ webhook: Webhook; secret: string }> {
  await requireManager(ctx, orgId, acting.session.userId);
  requireRecentReauthentication(ctx, acting.session);
  await existing(ctx, orgId, id);
  if (
    !Number.isInteger(keepOldSecretHours) ||
    keepOldSecretHours < 0 ||
    keepOldSecretHours > WEBHOOKS.maxOverlapHours
  ) {
    throw new AppError('invalid_request', {
      key: 'errors:messages.webhooks.secretOverlap',
      values: { max: WEBHOOKS.maxOverlapHours },
      details: { field: 'keepOldSecretHours' },
    });
  }
  const secret = newWebhookSecret();
  const until =
    keepOldSecretHours > 0 ? new Date(ctx.clock().getTime() + keepOldSecretHours * 3_600_000).toISOString() : null;
  await rotateWebhookSecret(ctx, orgId, id, secret, until);
  await audit(ctx, acting.meta, {
    event: 'webhook.secret_rotated',
    actorUserId: acting.session.userId,
    orgId,
    details: { webhookId: id, keepOldSecretHours },
  });
  return { webhook: await existing(ctx, orgId, id), secret };
}

export async function webhookDeliveries(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  id: string,
  limit = 50,
): Promise<Delivery[]> {
  await requireManager(ctx, orgId, acting.session.userId);
  await existing(ctx, orgId, id);
  return listDeliveries(ctx, id, Math.min(Math.max(limit, 1), 100));
}

/** Sends a message again (same message id, from the start of the retry schedule). */
export async function redeliverWebhookMessage(
  ctx: Ctx,
  acting: Acting,
  orgId: string,
  id: string,
  deliveryId: string,
): Promise<void> {
  await requireManager(ctx, orgId, acting.session.userId);
  const webhook = await existing(ctx, orgId, id);
  if (!webhook.enabled) throw new AppError('conflict', { key: 'errors:messages.webhooks.disabled' });
  if (!(await requeueDelivery(ctx, id, deliveryId))) throw new AppError('not_found');
  await audit(ctx, acting.meta, {
    event: 'webhook.redelivered',
    actorUserId: acting.session.userId,
    orgId,
    details: { webhookId: id, deliveryId },
  });
  void deliverDueWebhooks(ctx).catch(() => undefined);
}
