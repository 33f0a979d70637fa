/** JSON routes: sign-in, the current session, sign-out, re-authentication, own sessions. */
import type { FastifyInstance } from 'fastify';
import { RATE_LIMITS } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { audit } from '../context.ts';
import { checkCredentials } from '../accounts/service.ts';
import { bool, email, object, params, password, str } from '../http/schema.ts';
import { browserTokens, issueSessionCookie, limitByIp, meta, requireSession } from '../http/request.ts';
import { clearCookie, cookieNames, setCookie } from '../http/cookies.ts';
import { CHALLENGE, PASSKEY } from '../config/defaults.ts';
import type { FastifyReply } from 'fastify';
import type { Ctx } from '../context.ts';
import type { SecondFactorMethod } from '../factors/factor.ts';
import { failedCode, verifySecondFactor } from '../factors/second-step.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { sessionJson, sessionResponse, userJson } from '../http/session.ts';
import { passwordStep, secondStep, type PasswordStepResult, type SecondStepResult } from './sign-in.ts';
import { listSessions, revokeAllSessions, revokeSession, rotateSession } from './service.ts';

export const methodSchema = { type: 'string', enum: ['totp', 'sms', 'voice', 'backup_code'] };
export const codeSchema = str(64, { minLength: 1 });
/** Re-authentication and turning 2FA off also take a passkey, whose "code" is the assertion as JSON. */
export const proofMethodSchema = { type: 'string', enum: ['totp', 'passkey', 'sms', 'voice', 'backup_code'] };
export const proofCodeSchema = str(PASSKEY.maxAssertionChars, { minLength: 1 });

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

export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/sign-in',
    {
      config: { public: true },
      schema: {
        summary: 'Sign in with email and password',
        body: object({ email: email(), password: password(), rememberMe: bool() }, ['email', 'password']),
      },
    },
    async (request, reply) => {
      await limitByIp(ctx, request, 'sign-in', RATE_LIMITS.signIn);
      const body = request.body as { email: string; password: string; rememberMe?: boolean };
      const result = await passwordStep(
        ctx,
        { email: body.email, password: body.password, rememberMe: body.rememberMe === true },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      applyPasswordStep(ctx, reply, result);
      if (result.status === 'signed_in') {
        const requirement = await requirementSummary(ctx, result.user.id, result.user.twoFactorEnabled);
        // Past an org's deadline the session only opens the enrolment routes (API.md "enrollment_required").
        if (requirement.overdue)
          return { status: 'enrollment_required', user: userJson(result.user), twoFactorRequirement: requirement };
        return {
          status: 'signed_in',
          user: userJson(result.user),
          ...(requirement.deadline ? { twoFactorRequirement: requirement } : {}),
        };
      }
      return {
        status: 'second_factor_required',
        methods: result.methods,
        defaultMethod: result.methods[0],
        expiresAt: result.expiresAt,
      };
    },
  );

  app.post(
    '/api/v1/sign-in/verify',
    {
      config: { public: true },
      schema: {
        summary: 'Second step: a code for the pending challenge',
        body: object({ method: methodSchema, code: codeSchema, trustDevice: bool() }, ['method', 'code']),
      },
    },
    async (request, reply) => {
      const body = request.body as { method: SecondFactorMethod; code: string; trustDevice?: boolean };
      const result = await secondStep(
        ctx,
        request.cookies[cookieNames(ctx.config).challenge],
        { method: body.method, code: body.code, trustDevice: body.trustDevice === true },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      applySecondStep(ctx, reply, result);
      return {
        status: 'signed_in',
        user: userJson(result.user),
        trustedDevice: result.trust !== null,
        recoveryCancelled: result.recoveryCancelled,
      };
    },
  );

  app.get(
    '/api/v1/session',
    { config: { enrolment: true }, schema: { summary: 'The current user, session and assurance' } },
    async (request) => {
      return sessionResponse(app, requireSession(request, { enrolment: true }));
    },
  );

  app.delete(
    '/api/v1/session',
    { config: { enrolment: true }, schema: { summary: 'Sign out' } },
    async (request, reply) => {
      const session = request.session;
      if (session) {
        await revokeSession(ctx, session.userId, session.id);
        await audit(ctx, meta(request), {
          event: 'sign_out',
          actorUserId: session.userId,
          targetUserId: session.userId,
        });
      }
      clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/reauthenticate',
    {
      config: { enrolment: true },
      schema: {
        summary: 'Open the 10-minute sudo window (password, and a second factor when the user has 2FA)',
        body: object({ password: password(), method: proofMethodSchema, code: proofCodeSchema }, ['password']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      await limitByIp(ctx, request, 'sign-in', RATE_LIMITS.signIn);
      const body = request.body as { password: string; method?: SecondFactorMethod; code?: string };
      await checkCredentials(ctx, session.user.email, body.password, meta(request));
      if (session.user.twoFactorEnabled) {
        if (!body.method || !body.code) {
          throw new AppError('reauthentication_required', {
            message: 'Enter a code from your second factor too.',
            details: { field: 'code' },
          });
        }
        const outcome = await verifySecondFactor(
          ctx,
          session.user,
          body.method,
          body.code,
          meta(request),
          'reauthenticate',
        );
        if (!outcome.ok) throw failedCode(outcome);
      }
      const token = await rotateSession(ctx, session.id, { reauthenticated: true });
      issueSessionCookie(ctx, reply, token, session.remember);
      await audit(ctx, meta(request), {
        event: 'reauthenticated',
        actorUserId: session.userId,
        targetUserId: session.userId,
      });
      return { status: 'reauthenticated', validForSeconds: 600 };
    },
  );

  app.get('/api/v1/me/sessions', { schema: { summary: 'My signed-in sessions' } }, async (request) => {
    const session = requireSession(request);
    const sessions = await listSessions(ctx, session.userId);
    return { sessions: sessions.map((s) => sessionJson(s, session.id)) };
  });

  app.delete(
    '/api/v1/me/sessions/:id',
    { schema: { summary: 'Revoke one of my sessions', params: params(['id']) } },
    async (request, reply) => {
      const session = requireSession(request);
      const { id } = request.params as { id: string };
      if (!(await revokeSession(ctx, session.userId, id))) throw new AppError('not_found');
      await audit(ctx, meta(request), {
        event: 'session.revoked',
        actorUserId: session.userId,
        targetUserId: session.userId,
        details: { sessionId: id },
      });
      if (id === session.id) clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/sessions/revoke-all',
    {
      schema: { summary: 'Sign out everywhere (every session, this one included)' },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const count = await revokeAllSessions(ctx, session.userId, null);
      await audit(ctx, meta(request), {
        event: 'sessions.revoked_all',
        actorUserId: session.userId,
        targetUserId: session.userId,
        details: { count },
      });
      clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
      return { revoked: count };
    },
  );
}
