/** JSON routes of account recovery (docs/api.md "Recovery"). */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { cookieNames } from '../http/cookies.ts';
import { meta, requireSession } from '../http/request.ts';
import { object, token } from '../http/schema.ts';
import { cancelOwnRecovery, cancelRecoveryByToken, confirmRecovery, startRecovery } from '../flows/recovery.ts';
import { pendingRecovery } from './guard.ts';

export async function recoveryRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/recovery',
    {
      config: { public: true },
      schema: {
        summary:
          'From a pending sign-in challenge: email a recovery link (or, when the org turned it off, ask an admin)',
      },
    },
    async (request, reply) => {
      const result = await startRecovery(ctx, request.cookies[cookieNames(ctx.config).challenge], meta(request));
      return reply.status(result.status === 'email_sent' ? 202 : 200).send(result);
    },
  );

  app.post(
    '/api/v1/recovery/confirm',
    {
      config: { public: true },
      schema: {
        summary: 'Open the emailed link: the recovery completes after the delay',
        body: object({ token: token() }, ['token']),
      },
    },
    async (request) => {
      const result = await confirmRecovery(ctx, (request.body as { token: string }).token, meta(request));
      return { status: 'pending', completesAt: result.completesAt };
    },
  );

  app.post(
    '/api/v1/recovery/cancel',
    {
      config: { public: true },
      schema: {
        summary: 'Cancel a recovery: with the emailed cancel token, or from a signed-in session',
        body: object({ token: token() }),
      },
    },
    async (request) => {
      const body = request.body as { token?: string } | undefined;
      if (body?.token) await cancelRecoveryByToken(ctx, body.token, meta(request));
      else if ((await cancelOwnRecovery(ctx, { session: requireSession(request), meta: meta(request) })) === 0)
        throw new AppError('not_found', { key: 'errors:messages.recovery.nothingToCancel' });
      return { status: 'cancelled' };
    },
  );

  app.get(
    '/api/v1/me/recovery',
    { schema: { summary: 'A pending recovery of my account, if any' } },
    async (request) => {
      const session = requireSession(request);
      return { pending: await pendingRecovery(ctx, session.userId) };
    },
  );
}
