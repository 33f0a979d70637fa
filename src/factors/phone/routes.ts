/**
 * JSON routes of the phone factor: add a number (sudo) and confirm it with the code sent to it, resend
 * (sign-in and re-authentication codes: ../routes.ts, shared with email codes). Sends answer 202; too
 * soon or over a cap → 429 rate_limited with Retry-After; the provider failing → 502 delivery_failed.
 */
import type { FastifyInstance } from 'fastify';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { id, object, str } from '../../http/schema.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { beginEnrolment, finishEnrolment, resendEnrolmentCode } from '../../flows/factors.ts';
import { phoneFactor } from './factor.ts';
import type { PhoneSetupInput } from './setup.ts';

const channel = { type: 'string', enum: [...phoneFactor.methods] };
const country = { type: 'string', minLength: 2, maxLength: 2, pattern: '^[A-Za-z]{2}$' };

export async function phoneRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/factors/phone',
    {
      config: { enrolment: true },
      schema: {
        summary:
          'Add a phone number (sudo): sends a code to it; it becomes a factor once confirmed. replacesFactorId changes a number',
        body: object({ phone: str(40, { minLength: 1 }), country, channel, replacesFactorId: id() }, [
          'phone',
          'channel',
        ]),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const by = { session, meta: meta(request) };
      return reply.status(202).send(await beginEnrolment(ctx, by, phoneFactor, request.body as PhoneSetupInput));
    },
  );

  app.post(
    '/api/v1/me/factors/phone/resend',
    {
      config: { enrolment: true },
      schema: {
        summary: 'A new code for the number being added (60 s apart; the old code stops working)',
        body: object({ enrollmentId: id(), channel }, ['enrollmentId']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const body = request.body as { enrollmentId: string; channel?: PhoneChannel };
      return reply
        .status(202)
        .send(await resendEnrolmentCode(ctx, { session, meta: meta(request) }, phoneFactor, body));
    },
  );

  app.post(
    '/api/v1/me/factors/phone/confirm',
    {
      config: { enrolment: true },
      schema: {
        summary: 'Confirm a phone number with its code; the first factor turns 2FA on and returns backup codes once',
        body: object({ enrollmentId: id(), code: str(16, { minLength: 1 }) }, ['enrollmentId', 'code']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const body = request.body as { enrollmentId: string; code: string };
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, phoneFactor, body);
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      return { factor: done.factor, backupCodes: done.backupCodes, changed: done.changed };
    },
  );
}
