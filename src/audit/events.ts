/** The audit event names (PRODUCT.md "Audit and notifications"). Later factors add theirs here. */
export const AUDIT_EVENTS = [
  'setup.completed',
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'sign_out',
  'session.revoked',
  'sessions.revoked_all',
  'reauthenticated',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'invitation.sent',
  'invitation.accepted',
  'invitation.revoked',
  'member.added',
  'member.role_changed',
  'member.removed',
  'mail.delivery_failed',
] as const;

export type AuditEvent = (typeof AUDIT_EVENTS)[number];
