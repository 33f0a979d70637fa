/**
 * What the JSON routes share about sessions: the JSON shapes of a user, a session and the current session
 * (API.md) — memberships, a pending recovery and the org 2FA requirement, read from the domain modules'
 * read models.
 */
import type { FastifyInstance } from 'fastify';
import { membershipsOf } from '../orgs/service.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { roleInScope } from '../orgs/policy.ts';
import { recoveryNotice } from '../recovery/guard.ts';
import type { CurrentSession, SessionView } from '../sessions/service.ts';

export function sessionJson(session: SessionView, currentId: string | null) {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.absoluteExpiresAt,
    ip: session.ip,
    userAgent: session.userAgent,
    amr: session.amr,
    current: session.id === currentId,
  };
}

export function userJson(user: { id: string; email: string; name: string; twoFactorEnabled: boolean }) {
  return { id: user.id, email: user.email, name: user.name, twoFactorEnabled: user.twoFactorEnabled };
}

export async function sessionResponse(app: FastifyInstance, session: CurrentSession) {
  const ctx = app.ctx;
  const memberships = await membershipsOf(ctx, session.userId);
  return {
    user: userJson(session.user),
    session: {
      id: session.id,
      amr: session.amr,
      kind: session.kind,
      createdAt: session.createdAt,
      expiresAt: session.absoluteExpiresAt,
      reauthenticatedAt: session.reauthenticatedAt,
    },
    amr: session.amr,
    orgs: memberships.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role })),
    enrollmentRequired: session.enrollmentRequired,
    // A pending account recovery (when it completes) or one completed lately: every session is told.
    recovery: await recoveryNotice(ctx, session.userId),
    // With 2FA on there is no deadline to compute: which orgs require it follows from the memberships.
    twoFactorRequirement: session.user.twoFactorEnabled
      ? {
          required: memberships.some((m) => roleInScope(m.requireTwoFactor, m.role)),
          deadline: null,
          daysLeft: null,
          overdue: false,
          orgs: memberships.filter((m) => roleInScope(m.requireTwoFactor, m.role)).map((m) => m.org.name),
        }
      : await requirementSummary(ctx, session.userId, false),
  };
}
