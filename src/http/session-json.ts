/**
 * How the JSON API shows a person and their session: the user object every sign-in, setup and invitation
 * answer carries, and the session document of GET /api/v1/session and GET /api/v1/me (memberships, a
 * pending recovery, the org 2FA requirement), read from the domain modules' read models.
 */
import type { FastifyInstance } from 'fastify';
import type { CurrentSession } from '../sessions/service.ts';
import { membershipsOf } from '../orgs/service.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { roleInScope } from '../orgs/policy.ts';
import { recoveryNotice } from '../recovery/guard.ts';

export function userJson(user: { id: string; email: string; name: string; twoFactorEnabled: boolean }) {
  return { id: user.id, email: user.email, name: user.name, twoFactorEnabled: user.twoFactorEnabled };
}

export async function sessionResponse(app: FastifyInstance, session: CurrentSession) {
  const memberships = await membershipsOf(app.ctx, session.userId);
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
    recovery: await recoveryNotice(app.ctx, session.userId),
    // With 2FA on there is no deadline to compute: which orgs require it follows from the memberships.
    twoFactorRequirement: session.user.twoFactorEnabled
      ? {
          required: memberships.some((m) => roleInScope(m.requireTwoFactor, m.role)),
          deadline: null,
          daysLeft: null,
          overdue: false,
          orgs: memberships.filter((m) => roleInScope(m.requireTwoFactor, m.role)).map((m) => m.org.name),
        }
      : await requirementSummary(app.ctx, session.userId, false),
  };
}
