/** JSON routes shared by every factor: list, rename/default, remove, backup codes, turning 2FA off, trusted devices. */
import type { FastifyInstance } from 'fastify';
import { PASSKEY } from '../config/defaults.ts';
import { bool, object, params, password, str } from '../http/schema.ts';
import { meta, requireSession } from '../http/request.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { listTrustedDevices } from '../sessions/devices.ts';
import { changeFactor, removeFactor } from '../flows/factors.ts';
import { forgetTrustedDevice } from '../flows/sessions.ts';
import { regenerateBackupCodes, turnOffTwoFactor } from '../flows/two-factor.ts';
import { proofFrom, SECOND_FACTOR_METHODS } from './index.ts';
import { factorOverview } from './overview.ts';

/** Turning 2FA off takes any method; a passkey's "code" is its assertion as JSON. */
const proofMethodSchema = { type: 'string', enum: [...SECOND_FACTOR_METHODS] };
const proofCodeSchema = str(PASSKEY.maxAssertionChars, { minLength: 1 });

export async function factorRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/api/v1/me/factors',
    { config: { enrolment: true }, schema: { summary: 'My second factors and backup codes left' } },
    async (request) => {
      const session = requireSession(request, { enrolment: true });
      return factorOverview(ctx, session.userId);
    },
  );

  app.patch(
    '/api/v1/me/factors/:id',
    {
      schema: {
        summary: 'Rename a factor or make it the default',
        params: params(['id']),
        body: object({ label: str(100, { minLength: 1 }), isDefault: bool() }),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const { id } = request.params as { id: string };
      await changeFactor(
        ctx,
        { session, meta: meta(request) },
        id,
        request.body as { label?: string; isDefault?: boolean },
      );
      return factorOverview(ctx, session.userId);
    },
  );

  app.delete(
    '/api/v1/me/factors/:id',
    {
      schema: { summary: 'Remove a factor (sudo); the last one turns 2FA off unless required', params: params(['id']) },
    },
    async (request) => {
      const session = requireSession(request);
      const { id } = request.params as { id: string };
      const result = await removeFactor(ctx, { session, meta: meta(request) }, id);
      return { ...result, ...(await factorOverview(ctx, session.userId)) };
    },
  );

  app.post(
    '/api/v1/me/backup-codes',
    { schema: { summary: 'A new set of 10 backup codes (sudo); the old set stops working' } },
    async (request) => {
      const session = requireSession(request);
      return { codes: await regenerateBackupCodes(ctx, { session, meta: meta(request) }) };
    },
  );

  app.post(
    '/api/v1/me/two-factor/disable',
    {
      schema: {
        summary: 'Turn 2FA off: password and a current code; refused while an org requires it',
        body: object({ password: password(), method: proofMethodSchema, code: proofCodeSchema }, [
          'password',
          'method',
          'code',
        ]),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const body = request.body as { password: string; method: string; code: string };
      await turnOffTwoFactor(
        ctx,
        { session, meta: meta(request) },
        { password: body.password, proof: proofFrom(body.method, body.code)! },
      );
      clearCookie(reply, ctx.config, cookieNames(ctx.config).trust);
      return { twoFactorEnabled: false };
    },
  );

  app.get(
    '/api/v1/me/trusted-devices',
    { schema: { summary: 'Browsers that skip the second step' } },
    async (request) => {
      const session = requireSession(request);
      return {
        devices: await listTrustedDevices(ctx, session.userId, request.cookies[cookieNames(ctx.config).trust]),
      };
    },
  );

  app.delete(
    '/api/v1/me/trusted-devices/:id',
    { schema: { summary: 'Stop trusting a browser', params: params(['id']) } },
    async (request, reply) => {
      const session = requireSession(request);
      const { id } = request.params as { id: string };
      await forgetTrustedDevice(ctx, { session, meta: meta(request) }, id);
      return reply.status(204).send();
    },
  );
}
