/** JSON routes: sign-in, the current session, sign-out, re-authentication, own sessions. */
import type { FastifyInstance } from 'fastify';
import { RATE_LIMITS } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { audit } from '../context.ts';
import { checkCredentials } from '../accounts/service.ts';
import { membershipsOf } from '../orgs/service.ts';
import { bool, email, object, params, password } from '../http/schema.ts';
import { issueSessionCookie, limitByIp, meta, requireSession } from '../http/request.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { passwordStep } from './sign-in.ts';
import { listSessions, revokeAllSessions, revokeSession, rotateSession, type CurrentSession, type SessionView } from './service.ts';

export function sessionJson(session: SessionView, currentId: string | null) {
  return {
    id: session.id, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, expiresAt: session.absoluteExpiresAt,
    ip: session.ip, userAgent: session.userAgent, amr: session.amr, current: session.id === currentId,
  };
}

export function userJson(user: { id: string; email: string; name: string; twoFactorEnabled: boolean }) {
  return { id: user.id, email: user.email, name: user.name, twoFactorEnabled: user.twoFactorEnabled };
}

export async function sessionResponse(app: FastifyInstance, session: CurrentSession) {
  const memberships = await membershipsOf(app.ctx, session.userId);
  return {
    user: userJson(session.user),
    session: { id: session.id, amr: session.amr, kind: session.kind, createdAt: session.createdAt, expiresAt: session.absoluteExpiresAt, reauthenticatedAt: session.reauthenticatedAt },
    amr: session.amr,
    orgs: memberships.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role })),
  };
}

export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post('/api/v1/sign-in', {
    schema: {
      summary: 'Sign in with email and password',
      body: object({ email: email(), password: password(), rememberMe: bool() }, ['email', 'password']),
    },
  }, async (request, reply) => {
    await limitByIp(ctx, request, 'sign-in', RATE_LIMITS.signIn);
    const body = request.body as { email: string; password: string; rememberMe?: boolean };
    const result = await passwordStep(ctx, { email: body.email, password: body.password, rememberMe: body.rememberMe === true }, meta(request));
    if (result.status !== 'signed_in') throw new AppError('internal');
    issueSessionCookie(ctx, reply, result.token, result.session.remember);
    return { status: 'signed_in', user: userJson(result.user) };
  });

  app.get('/api/v1/session', { schema: { summary: 'The current user, session and assurance' } }, async (request) => {
    return sessionResponse(app, requireSession(request));
  });

  app.delete('/api/v1/session', { schema: { summary: 'Sign out' } }, async (request, reply) => {
    const session = request.session;
    if (session) {
      await revokeSession(ctx, session.userId, session.id);
      await audit(ctx, meta(request), { event: 'sign_out', actorUserId: session.userId, targetUserId: session.userId });
    }
    clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
    return reply.status(204).send();
  });

  app.post('/api/v1/me/reauthenticate', {
    schema: { summary: 'Open the 10-minute sudo window', body: object({ password: password() }, ['password']) },
  }, async (request, reply) => {
    const session = requireSession(request);
    await limitByIp(ctx, request, 'sign-in', RATE_LIMITS.signIn);
    const { password: given } = request.body as { password: string };
    await checkCredentials(ctx, session.user.email, given, meta(request));
    const token = await rotateSession(ctx, session.id, { reauthenticated: true });
    issueSessionCookie(ctx, reply, token, session.remember);
    await audit(ctx, meta(request), { event: 'reauthenticated', actorUserId: session.userId, targetUserId: session.userId });
    return { status: 'reauthenticated', validForSeconds: 600 };
  });

  app.get('/api/v1/me/sessions', { schema: { summary: 'My signed-in sessions' } }, async (request) => {
    const session = requireSession(request);
    const sessions = await listSessions(ctx, session.userId);
    return { sessions: sessions.map((s) => sessionJson(s, session.id)) };
  });

  app.delete('/api/v1/me/sessions/:id', { schema: { summary: 'Revoke one of my sessions', params: params(['id']) } }, async (request, reply) => {
    const session = requireSession(request);
    const { id } = request.params as { id: string };
    if (!(await revokeSession(ctx, session.userId, id))) throw new AppError('not_found');
    await audit(ctx, meta(request), { event: 'session.revoked', actorUserId: session.userId, targetUserId: session.userId, details: { sessionId: id } });
    if (id === session.id) clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
    return reply.status(204).send();
  });

  app.post('/api/v1/me/sessions/revoke-all', {
    schema: { summary: 'Sign out everywhere (every session, this one included)' },
  }, async (request, reply) => {
    const session = requireSession(request);
    const count = await revokeAllSessions(ctx, session.userId, null);
    await audit(ctx, meta(request), { event: 'sessions.revoked_all', actorUserId: session.userId, targetUserId: session.userId, details: { count } });
    clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
    return { revoked: count };
  });
}
