/**
 * Webhook messages enter the database outbox in the same transaction as the audit row they announce, so a
 * committed security event is delivered at least once and a rolled-back one never (Standard Webhooks,
 * "at-least-once delivery"). Org-scoped events go to that org's endpoints; a person's account events
 * (a factor added, a lockout…) go to the endpoints of every org they belong to.
 */
import type { AuditEntry } from '../audit/store.ts';
import type { Ctx } from '../context.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { subscribes, isWebhookEvent } from './events.ts';
import { insertDeliveries } from './store.ts';
import { deliverDueWebhooks } from './deliver.ts';

interface Endpoint {
  readonly id: string;
  readonly orgId: string;
  readonly events: readonly string[];
}

/** The enabled webhooks that may hear of an event: read with every audit row, so compiled once (src/db/prepared.ts). */
const enabledWebhooks = (db: Kysely<Database>) =>
  db.selectFrom('webhooks as w').select(['w.id', 'w.org_id', 'w.events']).where('w.enabled', '=', 1);
const webhooksOfOrg = prepared((db: Kysely<Database>, orgId: string) =>
  enabledWebhooks(db).where('w.org_id', '=', orgId),
);
const webhooksOfPerson = prepared((db: Kysely<Database>, userId: string) =>
  enabledWebhooks(db).where('w.org_id', 'in', (eb) =>
    eb.selectFrom('memberships').select('org_id').where('user_id', '=', userId),
  ),
);

async function endpointsFor(ctx: Ctx, entry: AuditEntry): Promise<Endpoint[]> {
  const person = entry.targetUserId ?? entry.actorUserId ?? null;
  const rows = entry.orgId
    ? await webhooksOfOrg(ctx.db.kysely, entry.orgId)
    : person
      ? await webhooksOfPerson(ctx.db.kysely, person)
      : [];
  if (rows.length === 0) return [];
  return rows
    .map((r): Endpoint => ({ id: r.id, orgId: r.org_id, events: JSON.parse(r.events) as string[] }))
    .filter((w) => subscribes(w.events, entry.event));
}

async function emailsOf(ctx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.kysely.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** The `audit.recorded` subscriber: queues one message per subscribed endpoint, then asks for delivery after commit. */
export async function queueWebhookDeliveries(ctx: Ctx, entry: AuditEntry): Promise<void> {
  if (!isWebhookEvent(entry.event)) return;
  const endpoints = await endpointsFor(ctx, entry);
  if (endpoints.length === 0) return;
  const people = [entry.actorUserId, entry.targetUserId].filter((id): id is string => !!id);
  const emails = await emailsOf(ctx, [...new Set(people)]);
  const person = (id: string | null | undefined) => (id ? { id, email: emails.get(id) ?? null } : null);
  const timestamp = ctx.clock().toISOString();
  await insertDeliveries(
    ctx,
    endpoints.map((w) => ({
      webhookId: w.id,
      eventType: entry.event,
      // No secrets or codes: audit details never hold any (docs/security.md "Audit").
      payload: JSON.stringify({
        type: entry.event,
        timestamp,
        data: {
          orgId: w.orgId,
          actor: person(entry.actorUserId),
          target: person(entry.targetUserId),
          details: entry.details ?? {},
        },
      }),
    })),
  );
  const kick = (committed: Ctx) => void deliverDueWebhooks(committed).catch(() => undefined);
  if (ctx.afterCommit) ctx.afterCommit.push(() => kick(ctx.committed ?? ctx));
  else if (!ctx.db.kysely.isTransaction) kick(ctx);
  // Inside a transaction without an after-commit list, the periodic poll delivers it (within WEBHOOKS.pollSeconds).
}
