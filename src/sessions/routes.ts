/** JSON routes: sign-in, the current session, sign-out, re-authentication, own sessions. */
import type { FastifyInstance } from 'fastify';
import { PASSKEY, SESSION } from '../config/defaults.ts';
import { bool, email, object, params, password, str } from '../http/schema.ts';
import { browserTokens, issueSessionCookie, meta, requireSession } from '../http/request.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { applyPasswordStep, applySecondStep, sessionJson, sessionResponse, userJson } from '../http/session.ts';
import { CODE_METHODS, proofFrom, SECOND_FACTOR_METHODS } from '../factors/index.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { passwordStep, secondStep } from '../flows/sign-in.ts';
import { checkupAtSignIn } from '../flows/checkup.ts';
import { reauthenticate } from '../flows/reauthenticate.ts';
import { endSession, signOut, signOutEverywhere } from '../flows/sessions.ts';
import { listSessions } from './service.ts';

const codeMethodSchema = { type: 'string', enum: [...CODE_METHODS] };
const codeSchema = str(64, { minLength: 1 });
/** Re-authentication also takes a passkey, whose "code" is the assertion as JSON. */
const proofMethodSchema = { type: 'string', enum: [...SECOND_FACTOR_METHODS] };
const proofCodeSchema = str(PASSKEY.maxAssertionChars, { minLength: 1 });

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
        // Past an org's deadline the session only opens the enrolment routes (docs/api.md "enrollment_required").
        if (requirement.overdue)
          return { status: 'enrollment_required', user: userJson(result.user), twoFactorRequirement: requirement };
        return {
          status: 'signed_in',
          user: userJson(result.user),
          ...(requirement.deadline ? { twoFactorRequirement: requirement } : {}),
          ...(await checkupAtSignIn(ctx, result.user)),
        };
      }
      if (result.status === 'device_check_required')
        return { status: 'device_check_required', methods: result.methods, expiresAt: result.expiresAt };
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
        body: object({ method: codeMethodSchema, code: codeSchema, trustDevice: bool() }, ['method', 'code']),
      },
    },
    async (request, reply) => {
      const body = request.body as { method: string; code: string; trustDevice?: boolean };
      const result = await secondStep(
        ctx,
        request.cookies[cookieNames(ctx.config).challenge],
        { proof: proofFrom(body.method, body.code)!, trustDevice: body.trustDevice === true },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      applySecondStep(ctx, reply, result);
      return {
        status: 'signed_in',
        user: userJson(result.user),
        trustedDevice: result.trust !== null,
        recoveryCancelled: result.recoveryCancelled,
        ...(await checkupAtSignIn(ctx, result.user)),
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
      await signOut(ctx, request.session, meta(request));
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
      const body = request.body as { password: string; method?: string; code?: string };
      const proof = body.method && body.code ? proofFrom(body.method, body.code) : null;
      const done = await reauthenticate(ctx, { session, meta: meta(request) }, { password: body.password, proof });
      issueSessionCookie(ctx, reply, done.token, session.remember);
      return { status: 'reauthenticated', validForSeconds: SESSION.sudoSeconds };
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
      const ended = await endSession(ctx, { session, meta: meta(request) }, id);
      if (ended.current) clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
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
      const count = await signOutEverywhere(ctx, { session, meta: meta(request) });
      clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
      return { revoked: count };
    },
  );

  app.delete(
    '/api/v1/me/sessions',
    {
      schema: {
        summary:
          "End my sessions: every one (this one included), or with keepCurrent=true every other one (the apps' sessions and tokens end too)",
        querystring: object({ keepCurrent: { type: 'string', enum: ['true', 'false'] } }),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const keepCurrent = (request.query as { keepCurrent?: string }).keepCurrent === 'true';
      const count = await signOutEverywhere(ctx, { session, meta: meta(request) }, { keepCurrent });
      return { revoked: count, keptCurrent: keepCurrent };
    },
  );
}
