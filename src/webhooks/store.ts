/**
 * The `webhooks` and `webhook_deliveries` tables' only writer. Secrets are sealed by the keyring (they must
 * sign, so they are kept reversibly; the sealed value is bound to the endpoint's id) and never returned after
 * creation or rotation.
 */
import type { Ctx } from '../context.ts';
import type { WebhookDeliveriesTable } from '../db/schema.ts';
import { randomId } from '../crypto/index.ts';

export interface Webhook {
  readonly id: string;
  readonly orgId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Until when the previous secret also signs (after a rotation), or null. */
  readonly previousSecretExpiresAt: string | null;
}

interface WebhookRow {
  id: string;
  org_id: string;
  url: string;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
  previous_secret_expires_at: string | null;
}

const COLUMNS = [
  'id',
  'org_id',
  'url',
  'events',
  'enabled',
  'disabled_reason',
  'created_at',
  'updated_at',
  'previous_secret_expires_at',
] as const;

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: Number(row.enabled) === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    previousSecretExpiresAt: row.previous_secret_expires_at,
  };
}

const sealedFor = (id: string): string => `webhook-secret:${id}`;

export async function listWebhooks(ctx: Ctx, orgId: string): Promise<Webhook[]> {
  const rows = await ctx.db.kysely
    .selectFrom('webhooks')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
  return rows.map(toWebhook);
}

export async function findWebhook(ctx: Ctx, orgId: string, id: string): Promise<Webhook | null> {
  const row = await ctx.db.kysely
    .selectFrom('webhooks')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toWebhook(row) : null;
}

export async function countWebhooks(ctx: Ctx, orgId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertWebhook(
  ctx: Ctx,
  input: { orgId: string; url: string; events: readonly string[]; secret: string; createdBy: string },
): Promise<Webhook> {
  const id = `wh_${randomId()}`;
  const now = ctx.clock().toISOString();
  const sealed = ctx.keyring.seal(new TextEncoder().encode(input.secret), sealedFor(id));
  await ctx.db.kysely
    .insertInto('webhooks')
    .values({
      id,
      org_id: input.orgId,
      url: input.url,
      events: JSON.stringify(input.events),
      secret_key_id: sealed.keyId,
      secret_sealed: sealed.sealed,
      previous_secret_key_id: null,
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      enabled: 1,
      disabled_reason: null,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return (await findWebhook(ctx, input.orgId, id))!;
}

export async function updateWebhook(
  ctx: Ctx,
  orgId: string,
  id: string,
  change: { url?: string; events?: readonly string[]; enabled?: boolean; disabledReason?: string | null },
): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('webhooks')
    .set({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.events !== undefined ? { events: JSON.stringify(change.events) } : {}),
      ...(change.enabled !== undefined
        ? { enabled: change.enabled ? 1 : 0, disabled_reason: change.enabled ? null : (change.disabledReason ?? null) }
        : {}),
      updated_at: ctx.clock().toISOString(),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteWebhook(ctx: Ctx, orgId: string, id: string): Promise<boolean> {
  await ctx.db.kysely.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  const result = await ctx.db.kysely
    .deleteFrom('webhooks')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A new secret signs from now; the current one keeps signing too until `previousUntil` (null: stops now). */
export async function rotateWebhookSecret(
  ctx: Ctx,
  orgId: string,
  id: string,
  secret: string,
  previousUntil: string | null,
): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('webhooks')
    .select(['secret_key_id', 'secret_sealed'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return false;
  const sealed = ctx.keyring.seal(new TextEncoder().encode(secret), sealedFor(id));
  await ctx.db.kysely
    .updateTable('webhooks')
    .set({
      secret_key_id: sealed.keyId,
      secret_sealed: sealed.sealed,
      previous_secret_key_id: previousUntil ? row.secret_key_id : null,
      previous_secret_sealed: previousUntil ? row.secret_sealed : null,
      previous_secret_expires_at: previousUntil,
      updated_at: ctx.clock().toISOString(),
    })
    .where('id', '=', id)
    .execute();
  return true;
}

/** The secrets that sign a delivery now: the current one, and the previous one during its overlap. */
export async function signingSecrets(ctx: Ctx, id: string, now: Date): Promise<string[]> {
  const row = await ctx.db.kysely
    .selectFrom('webhooks')
    .select([
      'secret_key_id',
      'secret_sealed',
      'previous_secret_key_id',
      'previous_secret_sealed',
      'previous_secret_expires_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return [];
  const open = (keyId: string, sealed: string) =>
    new TextDecoder().decode(ctx.keyring.open(keyId, sealed, sealedFor(id)));
  const secrets = [open(row.secret_key_id, row.secret_sealed)];
  if (
    row.previous_secret_key_id &&
    row.previous_secret_sealed &&
    row.previous_secret_expires_at &&
    row.previous_secret_expires_at > now.toISOString()
  ) {
    secrets.push(open(row.previous_secret_key_id, row.previous_secret_sealed));
  }
  return secrets;
}

// ── deliveries ──────────────────────────────────────────────────────────────────────────────────────

export interface Delivery {
  readonly id: string;
  readonly webhookId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly responseStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

type DeliveryRow = Omit<WebhookDeliveriesTable, 'attempts'> & { attempts: number };

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** Queues one message per endpoint, in the caller's transaction (the database outbox). */
export async function insertDeliveries(
  ctx: Ctx,
  rows: ReadonlyArray<{ webhookId: string; eventType: string; payload: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('webhook_deliveries')
    .values(
      rows.map((r) => ({
        id: `msg_${randomId()}`,
        webhook_id: r.webhookId,
        event_type: r.eventType,
        payload: r.payload,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        last_attempt_at: null,
        response_status: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .execute();
}

export async function listDeliveries(ctx: Ctx, webhookId: string, limit: number): Promise<Delivery[]> {
  const rows = await ctx.db.kysely
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** Pending deliveries that are due, oldest first, with what is needed to send them. */
export async function dueDeliveries(ctx: Ctx, now: Date, limit: number) {
  return ctx.db.kysely
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.webhook_id', 'd.payload', 'd.attempts', 'd.next_attempt_at', 'w.url', 'w.enabled', 'w.org_id'])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now.toISOString())
    .orderBy('d.next_attempt_at')
    .limit(limit)
    .execute();
}

/**
 * Claims a due delivery for one attempt (compare-and-swap on its due time), so that two instances never
 * send the same attempt; the claim pushes the due time past the attempt's timeout.
 */
export async function claimDelivery(ctx: Ctx, id: string, dueAt: string, claimUntil: Date): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: claimUntil.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', dueAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordAttempt(
  ctx: Ctx,
  id: string,
  outcome: {
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    at: Date;
    nextAttemptAt: Date | null;
    responseStatus: number | null;
    error: string | null;
  },
): Promise<void> {
  await ctx.db.kysely
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      last_attempt_at: outcome.at.toISOString(),
      next_attempt_at: outcome.nextAttemptAt?.toISOString() ?? null,
      response_status: outcome.responseStatus,
      last_error: outcome.error,
      ...(outcome.status === 'delivered' ? { delivered_at: outcome.at.toISOString() } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Sends a delivery again from the start of the retry schedule (same message id: receivers can deduplicate). */
export async function requeueDelivery(ctx: Ctx, webhookId: string, id: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: ctx.clock().toISOString(), last_error: null })
    .where('webhook_id', '=', webhookId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an endpoint's pending deliveries failed (it was turned off). */
export async function failPendingDeliveries(ctx: Ctx, webhookId: string, reason: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error: reason })
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'pending')
    .execute();
}

/** The statuses of an endpoint's newest finished messages, newest first. */
export async function recentOutcomes(ctx: Ctx, webhookId: string, limit: number): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('webhook_deliveries')
    .select('status')
    .where('webhook_id', '=', webhookId)
    .where('status', '!=', 'pending')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.status);
}

/** Housekeeping: finished deliveries older than the log keeps. */
export async function pruneDeliveries(ctx: Ctx, before: string): Promise<number> {
  const result = await ctx.db.kysely
    .deleteFrom('webhook_deliveries')
    .where('status', '!=', 'pending')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
