/**
 * Composes the in-process events: who listens to what. Used by the app factory and the CLI alike, so that a
 * 2FA reset from the command line ends the apps' sessions exactly as one from the admin page does.
 */
import type { Ctx } from './context.ts';
import { createEventBus, type EventBus } from './events/bus.ts';
import { endOidcSessions } from './oidc/adapter.ts';
import { countAuditEvent } from './metrics/registry.ts';
import { queueWebhookDeliveries } from './webhooks/outbox.ts';

export function composeEvents(): EventBus<Ctx> {
  const events = createEventBus<Ctx>();
  // Signing out of twofold signs out of the apps; everywhere also revokes their grants and tokens.
  events.subscribe('sessions.ended', (ctx, { userId, everything }) => endOidcSessions(ctx, userId, { everything }));
  // Counted once the audit row is committed, so a rolled-back action is never counted.
  events.subscribe('audit.recorded', (_ctx, entry) => countAuditEvent(entry), { afterCommit: true });
  // Webhook messages are queued in the same transaction as the audit row (the outbox), then sent.
  events.subscribe('audit.recorded', (ctx, entry) => queueWebhookDeliveries(ctx, entry));
  return events;
}
