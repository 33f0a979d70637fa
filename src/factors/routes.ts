/** JSON routes shared by every factor: list, default/label, remove, backup codes, disable, trusted devices. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { audit } from '../context.ts';
import { checkCredentials } from '../accounts/service.ts';
import { bool, object, params, password, str } from '../http/schema.ts';
import { meta, requireSession, requireSudo } from '../http/request.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { proofCodeSchema, proofMethodSchema } from '../sessions/routes.ts';
import { listTrustedDevices, revokeTrustedDevice } from '../sessions/devices.ts';
import type { Ctx } from '../context.ts';
import type { SecondFactorMethod } from './factor.ts';
import { listFactors, renameFactor } from './index.ts';
import { backupCodesLeft } from './backup-codes/store.ts';
import { disableTwoFactor, regenerateBackupCodes, removeFactor } from './lifecycle.ts';
import { failedCode, verifySecondFactor } from './second-step.ts';
import { BACKUP_CODES } from '../config/defaults.ts';
import { setDefaultMethod } from '../accounts/store.ts';

export async function factorOverview(ctx: Ctx, userId: string) {
  const user = await ctx.db.kysely
    .selectFrom('users')
    .select(['two_factor_enabled', 'default_method'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const factors = await listFactors(ctx, userId);
  // The default is the first factor offering the chosen method, else the first factor.
  const defaultId =
    (factors.find((f) => f.methods.includes(user.default_method as SecondFactorMethod)) ?? factors[0])?.id ?? null;
  const left = await backupCodesLeft(ctx, userId);
  return {
    twoFactorEnabled: Number(user.two_factor_enabled) === 1,
    factors: factors.map((f) => ({ ...f, isDefault: f.id === defaultId })),
    backupCodesLeft: left,
    backupCodesLow: Number(user.two_factor_enabled) === 1 && left <= BACKUP_CODES.warnAtOrBelow,
  };
}

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
      const body = request.body as { label?: string; isDefault?: boolean };
      const factor = (await listFactors(ctx, session.userId)).find((f) => f.id === id);
      if (!factor) throw new AppError('not_found');
      if (body.label !== undefined) {
        const label = body.label.trim();
        if (!label) throw new AppError('invalid_request', { message: 'Enter a name.', details: { field: 'label' } });
        if (await renameFactor(ctx, session.userId, id, label)) {
          await audit(ctx, meta(request), {
            event: 'factor.renamed',
            actorUserId: session.userId,
            targetUserId: session.userId,
            details: { type: factor.type, label },
          });
        }
      }
      if (body.isDefault === true) {
        await setDefaultMethod(ctx, session.userId, factor.methods[0] ?? null);
      }
      return factorOverview(ctx, session.userId);
    },
  );

  app.delete(
    '/api/v1/me/factors/:id',
    {
      schema: { summary: 'Remove a factor (sudo); the last one turns 2FA off unless required', params: params(['id']) },
    },
    async (request) => {
      const session = requireSudo(ctx, request);
      const { id } = request.params as { id: string };
      const result = await removeFactor(ctx, session.user, id, meta(request));
      return { ...result, ...(await factorOverview(ctx, session.userId)) };
    },
  );

  app.post(
    '/api/v1/me/backup-codes',
    { schema: { summary: 'A new set of 10 backup codes (sudo); the old set stops working' } },
    async (request) => {
      const session = requireSudo(ctx, request);
      return { codes: await regenerateBackupCodes(ctx, session.user, meta(request)) };
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
      const body = request.body as { password: string; method: SecondFactorMethod; code: string };
      await checkCredentials(ctx, session.user.email, body.password, meta(request));
      const outcome = await verifySecondFactor(ctx, session.user, body.method, body.code, meta(request), 'disable');
      if (!outcome.ok) throw failedCode(outcome);
      await disableTwoFactor(ctx, session.user, meta(request), 'user');
      clearCookie(reply, ctx.config, cookieNames(ctx.config).trust);
      return { twoFactorEnabled: false };
    },
  );

  app.get(
    '/api/v1/me/trusted-devices',
    { schema: { summary: 'Browsers that skip the second step' } },
    async (request) => {
      const session = requireSession(request);
      return { devices: await listTrustedDevices(ctx, session.userId) };
    },
  );

  app.delete(
    '/api/v1/me/trusted-devices/:id',
    { schema: { summary: 'Stop trusting a browser', params: params(['id']) } },
    async (request, reply) => {
      const session = requireSession(request);
      const { id } = request.params as { id: string };
      if (!(await revokeTrustedDevice(ctx, session.userId, id, meta(request)))) throw new AppError('not_found');
      return reply.status(204).send();
    },
  );
}
