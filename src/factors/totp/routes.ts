/** JSON routes of the authenticator-app factor: start an enrolment (sudo), confirm it with a code. */
import type { FastifyInstance } from 'fastify';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { id, object, str } from '../../http/schema.ts';
import { beginEnrolment, finishEnrolment } from '../../flows/factors.ts';
import { totpFactor } from './factor.ts';
import type { TotpAnswer } from './setup.ts';

export async function totpRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/factors/totp',
    {
      config: { enrolment: true },
      schema: {
        summary:
          'Start setting up an authenticator app (sudo): a new secret each time, 15 minutes; a wrong confirmation code keeps it',
      },
    },
    async (request) => {
      const session = requireSession(request, { enrolment: true });
      return beginEnrolment(ctx, { session, meta: meta(request) }, totpFactor, {});
    },
  );

  app.post(
    '/api/v1/me/factors/totp/confirm',
    {
      config: { enrolment: true },
      schema: {
        summary:
          'Confirm the authenticator app with a code; the first factor turns 2FA on and returns backup codes once',
        body: object({ enrollmentId: id(), code: str(16, { minLength: 1 }), label: str(100) }, [
          'enrollmentId',
          'code',
        ]),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, totpFactor, request.body as TotpAnswer);
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      return { factor: done.factor, backupCodes: done.backupCodes };
    },
  );
}
