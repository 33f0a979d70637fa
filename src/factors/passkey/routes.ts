/**
 * JSON routes of the passkey factor: register (sudo + a name), sign in with a passkey (as the second
 * step of a pending challenge, or passwordless), and the options for re-authenticating with one.
 */
import type { FastifyInstance } from 'fastify';
import { PASSKEY } from '../../config/defaults.ts';
import { browserTokens, issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { cookieNames } from '../../http/cookies.ts';
import { applyPasswordStep, applySecondStep, userJson } from '../../http/session.ts';
import { bool, object, str, type JsonSchema } from '../../http/schema.ts';
import { beginEnrolment, finishEnrolment } from '../../flows/factors.ts';
import { checkupAtSignIn } from '../../flows/checkup.ts';
import { reauthenticationPasskeyOptions } from '../../flows/reauthenticate.ts';
import { passkeySignInOptions, signInWithPasskey } from '../../flows/sign-in-passkey.ts';
import { passkeyFactor } from './factor.ts';

const BASE64URL_PATTERN = '^[A-Za-z0-9_-]+$';

/** A PublicKeyCredential as JSON (WebAuthn L3 §5.1 toJSON()); the ceremony checks the rest. */
const credentialSchema: JsonSchema = {
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
      const session = requireSession(request, { enrolment: true });
      const { label } = request.body as { label: string };
      return beginEnrolment(ctx, { session, meta: meta(request) }, passkeyFactor, { label });
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
      const { response } = request.body as { response: unknown };
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, passkeyFactor, { response });
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      return { factor: done.factor, backupCodes: done.backupCodes };
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
      return reauthenticationPasskeyOptions(ctx, { session, meta: meta(request) });
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
      const mode = (request.query as { mode?: string }).mode === 'passwordless' ? 'passwordless' : 'auto';
      return passkeySignInOptions(ctx, request.cookies[cookieNames(ctx.config).challenge], mode, meta(request));
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
      const body = request.body as { response: unknown; trustDevice?: boolean };
      const signedIn = await signInWithPasskey(
        ctx,
        request.cookies[cookieNames(ctx.config).challenge],
        { response: body.response, trustDevice: body.trustDevice === true },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      if (signedIn.step === 'second') {
        applySecondStep(ctx, reply, signedIn.result);
        const { user, trust } = signedIn.result;
        return {
          status: 'signed_in',
          user: userJson(user),
          trustedDevice: trust !== null,
          ...(await checkupAtSignIn(ctx, user)),
        };
      }
      const result = signedIn.result;
      applyPasswordStep(ctx, reply, result);
      if (result.status === 'signed_in')
        return { status: 'signed_in', user: userJson(result.user), ...(await checkupAtSignIn(ctx, result.user)) };
      return {
        status: 'second_factor_required',
        methods: result.methods,
        defaultMethod: result.methods[0],
        expiresAt: result.expiresAt,
      };
    },
  );
}
