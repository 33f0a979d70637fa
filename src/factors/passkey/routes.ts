/**
 * JSON routes of the passkey factor: register (sudo + a name), sign in with a passkey (as the second
 * step of a pending challenge, or passwordless), and the options for re-authenticating with one.
 */
import type { FastifyInstance } from 'fastify';
import { PASSKEY, RATE_LIMITS } from '../../config/defaults.ts';
import { AppError, ERRORS } from '../../errors.ts';
import type { Ctx } from '../../context.ts';
import {
  browserTokens,
  limitByIp,
  meta,
  requireSession,
  requireSudo,
  upgradeAfterFirstFactor,
} from '../../http/request.ts';
import { cookieNames } from '../../http/cookies.ts';
import { bool, object, str, type JsonSchema } from '../../http/schema.ts';
import { assertMethodAllowed } from '../../orgs/policy.ts';
import { liveChallenge } from '../../sessions/challenge.ts';
import { applyPasswordStep, applySecondStep } from '../../sessions/routes.ts';
import { userJson } from '../../http/session.ts';
import { passkeyStep, secondStep } from '../../sessions/sign-in.ts';
import { factorAdded } from '../lifecycle.ts';
import { amrOf, authenticationOptions, challengeOf, registrationOptions, verifyRegistration } from './ceremony.ts';
import { challengePurpose, listPasskeys } from './store.ts';

const BASE64URL_PATTERN = '^[A-Za-z0-9_-]+$';

/** A PublicKeyCredential as JSON (WebAuthn L3 §5.1 toJSON()); the ceremony checks the rest. */
export const credentialSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'rawId', 'type', 'response'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 2 * PASSKEY.maxCredentialIdBytes, pattern: BASE64URL_PATTERN },
    rawId: { type: 'string', minLength: 1, maxLength: 2 * PASSKEY.maxCredentialIdBytes, pattern: BASE64URL_PATTERN },
    type: { type: 'string', enum: ['public-key'] },
    response: { type: 'object' },
    clientExtensionResults: { type: 'object' },
    authenticatorAttachment: { type: 'string', maxLength: 32 },
  },
};

const DEFAULT_LABEL = 'Passkey';

export interface PasskeySetupResult {
  readonly factor: { id: string; type: 'passkey'; label: string; createdAt: string };
  readonly backupCodes: string[] | null;
  readonly amr: 'hwk' | 'swk';
}

/** Verifies the browser's attestation and stores the passkey; the first factor turns 2FA on. */
export async function finishPasskeySetup(
  ctx: Ctx,
  user: { id: string; email: string },
  response: unknown,
  requestMeta: ReturnType<typeof meta>,
): Promise<PasskeySetupResult> {
  const result = await verifyRegistration(ctx, user.id, response, DEFAULT_LABEL);
  if (!result.ok) {
    if (result.reason === 'expired')
      throw new AppError('not_found', { message: 'This passkey setup has expired. Start again.' });
    if (result.reason === 'duplicate')
      throw new AppError('conflict', { message: 'This passkey is already registered.' });
    throw new AppError('invalid_request', {
      message: 'The passkey could not be verified. Try again.',
      details: { field: 'response' },
    });
  }
  const { passkey } = result;
  const backupCodes = await factorAdded(ctx, user, { type: 'passkey', label: passkey.label }, requestMeta);
  return {
    factor: { id: passkey.id, type: 'passkey', label: passkey.label, createdAt: passkey.createdAt },
    backupCodes,
    amr: amrOf(passkey.deviceType),
  };
}

/** A failed passkey second step keeps its details (attempts left) with a passkey-shaped message. */
function passkeyRefused(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'invalid_code' || error.message !== ERRORS.invalid_code.message)
    return error;
  return new AppError('invalid_code', {
    message: 'That passkey could not be verified. Try again or choose another way.',
    details: { ...error.details },
  });
}

export async function passkeyRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/factors/passkey/options',
    {
      config: { enrolment: true },
      schema: {
        summary: 'Start adding a passkey (sudo): registration options for the browser',
        body: object({ label: str(PASSKEY.labelMaxLength, { minLength: 1 }) }, ['label']),
      },
    },
    async (request) => {
      const session = requireSudo(ctx, request, { enrolment: true });
      await assertMethodAllowed(ctx, session.userId, 'passkey');
      const label = (request.body as { label: string }).label.trim();
      if (!label)
        throw new AppError('invalid_request', {
          message: 'Enter a name for the passkey.',
          details: { field: 'label' },
        });
      return registrationOptions(ctx, session.user, label);
    },
  );

  app.post(
    '/api/v1/me/factors/passkey',
    {
      config: { enrolment: true },
      schema: {
        summary:
          "Finish adding a passkey with the browser's response; the first factor turns 2FA on and returns backup codes once",
        body: object({ response: credentialSchema }, ['response']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request, { enrolment: true });
      const result = await finishPasskeySetup(
        ctx,
        session.user,
        (request.body as { response: unknown }).response,
        meta(request),
      );
      if (result.backupCodes) await upgradeAfterFirstFactor(ctx, request, reply, [result.amr]);
      return { factor: result.factor, backupCodes: result.backupCodes };
    },
  );

  // Not an enrolment route: someone who still has to enrol has no passkey to confirm with.
  app.post(
    '/api/v1/me/reauthenticate/passkey/options',
    {
      schema: { summary: 'Options for confirming a re-authentication (or turning 2FA off) with a passkey' },
    },
    async (request) => {
      const session = requireSession(request);
      if ((await listPasskeys(ctx, session.userId)).length === 0)
        throw new AppError('not_found', { message: 'You have no passkey.' });
      return authenticationOptions(ctx, { userId: session.userId, purpose: 'reauthenticate' });
    },
  );

  app.post(
    '/api/v1/sign-in/passkey/options',
    {
      config: { public: true },
      schema: {
        summary:
          'Request options: for the pending challenge, or passwordless when there is none (or mode=passwordless)',
        querystring: object({ mode: { type: 'string', enum: ['passwordless'] } }),
      },
    },
    async (request) => {
      await limitByIp(ctx, request, 'passkey-options', PASSKEY.optionsRateLimit);
      const token = request.cookies[cookieNames(ctx.config).challenge];
      const challenge =
        (request.query as { mode?: string }).mode === 'passwordless' || !token
          ? null
          : await liveChallenge(ctx, token).catch(() => null);
      if (!challenge) return authenticationOptions(ctx, { userId: null, purpose: 'passwordless' });
      if (challenge.firstStep !== 'pwd' || (await listPasskeys(ctx, challenge.userId)).length === 0) {
        throw new AppError('not_found', {
          message: 'A passkey is not available for this sign-in. Choose another way.',
        });
      }
      return authenticationOptions(ctx, { userId: challenge.userId, purpose: 'sign_in_second_step' });
    },
  );

  app.post(
    '/api/v1/sign-in/passkey',
    {
      config: { public: true },
      schema: {
        summary: 'Sign in with a passkey: the second step of the pending challenge, or passwordless',
        // trustDevice before response: a wrong value is reported on the field it belongs to.
        body: object({ trustDevice: bool(), response: credentialSchema }, ['response']),
      },
    },
    async (request, reply) => {
      await limitByIp(ctx, request, 'sign-in', RATE_LIMITS.signIn);
      const body = request.body as { response: unknown; trustDevice?: boolean };
      const signed = challengeOf(body.response);
      // The stored challenge says which ceremony this answers.
      if (signed && (await challengePurpose(ctx, signed)) === 'passwordless') {
        const result = await passkeyStep(ctx, body.response, meta(request), browserTokens(ctx, request, reply));
        applyPasswordStep(ctx, reply, result);
        if (result.status === 'signed_in') return { status: 'signed_in', user: userJson(result.user) };
        return {
          status: 'second_factor_required',
          methods: result.methods,
          defaultMethod: result.methods[0],
          expiresAt: result.expiresAt,
        };
      }
      try {
        const result = await secondStep(
          ctx,
          request.cookies[cookieNames(ctx.config).challenge],
          { method: 'passkey', code: JSON.stringify(body.response), trustDevice: body.trustDevice === true },
          meta(request),
          browserTokens(ctx, request, reply),
        );
        applySecondStep(ctx, reply, result);
        return { status: 'signed_in', user: userJson(result.user), trustedDevice: result.trust !== null };
      } catch (error) {
        throw passkeyRefused(error);
      }
    },
  );
}
