/**
 * The security events an org can receive by webhook: audit event names (docs/api.md: "Event types are the
 * audit event names"). `["*"]` subscribes to all of them except the high-volume ones, which are opt-in by name.
 */
import type { AuditEvent } from '../audit/events.ts';

export const WEBHOOK_EVENTS = [
  'factor.added',
  'factor.removed',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.reset',
  'sign_in.locked',
  'recovery.started',
  'recovery.completed',
  'recovery.cancelled',
  'policy.changed',
  'exemption.granted',
  'exemption.ended',
  'deadline.extended',
  'invitation.sent',
  'invitation.accepted',
  'member.added',
  'member.role_changed',
  'member.removed',
  'account.suspended',
  'account.reactivated',
  'sign_in.succeeded',
  'sign_in.device_check_required',
  'sign_in.method_refused',
  'email_code.sent',
  'email_code.send_limited',
] as const satisfies readonly AuditEvent[];

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent only to endpoints that name them: one per sign-in can be a lot. */
export const OPT_IN_EVENTS: ReadonlySet<string> = new Set<WebhookEvent>(['sign_in.succeeded', 'email_code.sent']);

export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

/** Does an endpoint subscribed to `subscribed` receive `type`? */
export function subscribes(subscribed: readonly string[], type: string): boolean {
  if (subscribed.includes(type)) return true;
  return subscribed.includes('*') && isWebhookEvent(type) && !OPT_IN_EVENTS.has(type);
}
