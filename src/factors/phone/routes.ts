/**
 * JSON routes of the phone factor: add a number (sudo) and confirm it with the code sent to it, resend,
 * send a sign-in code for the pending challenge, send a re-authentication code. Sends answer 202; too
 * soon or over a cap → 429 rate_limited with Retry-After; the provider failing → 502 delivery_failed.
 */
import type { FastifyInstance } from 'fastify';
import { cookieNames } from '../../http/cookies.ts';
import { meta, requireSession, requireSudo, upgradeAfterFirstFactor } from '../../http/request.ts';
import { id, object, str } from '../../http/schema.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import {
  beginPhoneSetup,
  finishPhoneSetup,
  resendPhoneSetup,
  sendReauthCode,
  sendSignInCode,
  type PhoneSetupInput,
} from './setup.ts';

const channel = { type: 'string', enum: ['sms', 'voice'] };
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
      const session = requireSudo(ctx, request, { enrolment: true });
      const started = await beginPhoneSetup(ctx, session.user, request.body as PhoneSetupInput, meta(request));
      return reply.status(202).send(started);
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
      return reply.status(202).send(await resendPhoneSetup(ctx, session.userId, body, meta(request)));
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
      const result = await finishPhoneSetup(
        ctx,
        session.user,
        request.body as { enrollmentId: string; code: string },
        meta(request),
      );
      if (result.backupCodes) await upgradeAfterFirstFactor(ctx, request, reply, ['sms']);
      return { factor: result.factor, backupCodes: result.backupCodes, changed: result.changed };
    },
  );

  app.post(
    '/api/v1/sign-in/send',
    {
      config: { public: true },
      schema: {
        summary: 'Send a code by text or call for the pending sign-in challenge',
        body: object({ method: channel }, ['method']),
      },
    },
    async (request, reply) => {
      const { method } = request.body as { method: PhoneChannel };
      const sent = await sendSignInCode(ctx, request.cookies[cookieNames(ctx.config).challenge], method, meta(request));
      return reply.status(202).send(sent);
    },
  );

  // Not an enrolment route: a person with a phone has 2FA on, so is never held at enrolment.
  app.post(
    '/api/v1/me/reauthenticate/send',
    {
      schema: {
        summary: 'Send a code by text or call for re-authentication or turning 2FA off',
        body: object({ method: channel }, ['method']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { method } = request.body as { method: PhoneChannel };
      return reply.status(202).send(await sendReauthCode(ctx, session.userId, method, meta(request)));
    },
  );
}
