/**
 * What the JSON routes and pages share about sessions: the cookies a sign-in step or a session rotation
 * sets, and the JSON shapes of a user, a session and the current session (docs/api.md).
 */
import { isLocale } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CHALLENGE } from '../config/defaults.ts';
import type { Ctx } from '../context.ts';
import { membershipsOf } from '../orgs/service.ts';
import { requirementFor, summarizeRequirement } from '../orgs/enforcement.ts';
import { roleInScope } from '../orgs/policy.ts';
import { recoveryNotice } from '../recovery/guard.ts';
import type { CurrentSession, SessionView } from '../sessions/service.ts';
import type { PasswordStepResult, SecondStepResult } from '../flows/sign-in.ts';
import { clearCookie, cookieNames, setCookie } from './cookies.ts';
import { issueSessionCookie } from './request.ts';

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

export function userJson(user: {
  id: string;
  email: string;
  name: string;
  twoFactorEnabled: boolean;
  locale: string | null;
  timeZone: string | null;
}) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    twoFactorEnabled: user.twoFactorEnabled,
    locale: isLocale(user.locale) ? user.locale : null,
    timeZone: user.timeZone,
  };
}

export async function sessionResponse(app: FastifyInstance, session: CurrentSession) {
  const ctx = app.ctx;
  // A user without 2FA had the requirement, and with it the memberships, read for this request already.
  const memberships = session.requirement?.memberships ?? (await membershipsOf(ctx, session.userId));
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
    recovery: await recoveryNotice(ctx, session.userId, session.recentRecoveries),
    // With 2FA on there is no deadline to compute: which orgs require it follows from the memberships.
    twoFactorRequirement: session.user.twoFactorEnabled
      ? {
          required: memberships.some((m) => roleInScope(m.requireTwoFactor, m.role)),
          deadline: null,
          daysLeft: null,
          overdue: false,
          orgs: memberships.filter((m) => roleInScope(m.requireTwoFactor, m.role)).map((m) => m.org.name),
        }
      : summarizeRequirement(session.requirement ?? (await requirementFor(ctx, session.userId)), false, ctx.clock()),
  };
}

/** Sets the cookies a password step produced: a session, or a challenge (never both). */
export function applyPasswordStep(ctx: Ctx, reply: FastifyReply, result: PasswordStepResult): void {
  const names = cookieNames(ctx.config);
  if (result.status === 'signed_in') {
    issueSessionCookie(ctx, reply, result.token, result.session.remember);
    clearCookie(reply, ctx.config, names.challenge);
  } else {
    setCookie(reply, ctx.config, names.challenge, result.challengeToken, CHALLENGE.lifetimeSeconds);
    clearCookie(reply, ctx.config, names.session);
  }
}

/** Sets the cookies of a passed second step: the new session, the trusted-device token when asked. */
export function applySecondStep(ctx: Ctx, reply: FastifyReply, result: SecondStepResult): void {
  const names = cookieNames(ctx.config);
  issueSessionCookie(ctx, reply, result.token, false);
  clearCookie(reply, ctx.config, names.challenge);
  if (result.trust) setCookie(reply, ctx.config, names.trust, result.trust.token, result.trust.maxAgeSeconds);
}
