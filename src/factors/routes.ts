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
import {
  ENROLLABLE_METHODS,
  proofFrom,
  SECOND_FACTOR_METHODS,
  SENT_CODE_METHODS,
  type SentCodeMethod,
} from './index.ts';
import { passkeyDeadline, refusedMethods } from '../orgs/policy.ts';
import { sendReauthenticationCode } from '../flows/reauthenticate.ts';
import { sendSignInCode } from '../flows/sign-in.ts';
import { factorOverview } from './overview.ts';

/** Turning 2FA off takes any method; a passkey's "code" is its assertion as JSON. */
const proofMethodSchema = { type: 'string', enum: [...SECOND_FACTOR_METHODS] };
const proofCodeSchema = str(PASSKEY.maxAssertionChars, { minLength: 1 });

const sentCodeMethod = { type: 'string', enum: [...SENT_CODE_METHODS] };

export async function factorRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/sign-in/send',
    {
      config: { public: true },
      schema: {
        summary:
          'Send a code by text, call or email for the pending sign-in challenge (a new-device check: email only)',
        body: object({ method: sentCodeMethod }, ['method']),
      },
    },
    async (request, reply) => {
      const { method } = request.body as { method: SentCodeMethod };
      const sent = await sendSignInCode(ctx, request.cookies[cookieNames(ctx.config).challenge], method, meta(request));
      return reply.status(202).send(sent);
    },
  );

  // Not an enrolment route: a person with a phone or email codes has 2FA on, so is never held at enrolment.
  app.post(
    '/api/v1/me/reauthenticate/send',
    {
      schema: {
        summary: 'Send a code by text, call or email for re-authentication or turning 2FA off',
        body: object({ method: sentCodeMethod }, ['method']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const { method } = request.body as { method: SentCodeMethod };
      return reply.status(202).send(await sendReauthenticationCode(ctx, { session, meta: meta(request) }, method));
    },
  );

  app.get(
    '/api/v1/me/factors',
    { config: { enrolment: true }, schema: { summary: 'My second factors and backup codes left' } },
    async (request) => {
      const session = requireSession(request, { enrolment: true });
      const overview = await factorOverview(ctx, session.userId);
      // What an org of the person no longer accepts (kept, listed, until the passkey deadline for sign-in).
      const refused = await refusedMethods(ctx, session.userId, ENROLLABLE_METHODS);
      const passkeyBy = await passkeyDeadline(ctx, session.userId);
      return {
        ...overview,
        factors: overview.factors.map((f) => ({
          ...f,
          acceptedByOrganization: !(f.methods.length > 0 && f.methods.every((m) => refused.includes(m))),
        })),
        passkeyRequiredBy: passkeyBy ? passkeyBy.toISOString() : null,
      };
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
