/**
 * JSON routes of the email factor: turn on email codes (sudo; a code goes to the account's address) and
 * confirm with that code. The send answers 202; too soon or over the cap → 429 rate_limited with
 * Retry-After; the org not allowing email codes → 403 method_not_allowed_by_org.
 */
import type { FastifyInstance } from 'fastify';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { id, object, str } from '../../http/schema.ts';
import { beginEnrolment, finishEnrolment } from '../../flows/factors.ts';
import { emailFactor } from './factor.ts';

export async function emailRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/factors/email',
    {
      config: { enrolment: true },
      schema: {
        summary: "Turn on email codes (sudo; the org must allow them): sends a code to the account's address",
        body: object({}),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      return reply.status(202).send(await beginEnrolment(ctx, { session, meta: meta(request) }, emailFactor, {}));
    },
  );

  app.post(
    '/api/v1/me/factors/email/confirm',
    {
      config: { enrolment: true },
      schema: {
        summary: 'Confirm email codes with the code sent; the first factor turns 2FA on and returns backup codes once',
        body: object({ enrollmentId: id(), code: str(16, { minLength: 1 }) }, ['enrollmentId', 'code']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const body = request.body as { enrollmentId: string; code: string };
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, emailFactor, body);
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      return { factor: done.factor, backupCodes: done.backupCodes };
    },
  );
}
