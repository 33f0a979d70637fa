/** JSON routes of the authenticator-app factor: start an enrolment (sudo), confirm it with a code. */
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { base32Encode, groupsOfFour } from '../../core/base32.ts';
import { buildOtpauthUri } from '../../core/otp.ts';
import { AppError } from '../../errors.ts';
import { meta, requireSession, requireSudo, upgradeAfterFirstFactor } from '../../http/request.ts';
import { id, object, str } from '../../http/schema.ts';
import { membershipsOf } from '../../orgs/service.ts';
import { assertMethodAllowed } from '../../orgs/policy.ts';
import { inTransaction, type Ctx } from '../../context.ts';
import { notifyFactorAdded, recordFactorAdded } from '../lifecycle.ts';
import { failedCode } from '../second-step.ts';
import { confirmEnrollment, startEnrollment } from './store.ts';

export interface TotpSetup {
  enrollmentId: string;
  secret: string;
  secretGroups: string;
  otpauthUri: string;
  qrSvg: string;
  expiresAt: string;
}

/** Issuer = the user's first org (or the product), with the one character the label format forbids removed. */
async function issuerFor(ctx: Ctx, userId: string): Promise<string> {
  const memberships = await membershipsOf(ctx, userId);
  return (memberships[0]?.org.name ?? ctx.config.productName).replace(/:/g, ' ');
}

export async function beginTotpSetup(ctx: Ctx, user: { id: string; email: string }): Promise<TotpSetup> {
  await assertMethodAllowed(ctx, user.id, 'totp');
  const { enrollmentId, secret, expiresAt } = await startEnrollment(ctx, user.id);
  const secretBase32 = base32Encode(secret);
  const otpauthUri = buildOtpauthUri({
    issuer: await issuerFor(ctx, user.id),
    account: user.email.replace(/:/g, ''),
    secretBase32,
  });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { enrollmentId, secret: secretBase32, secretGroups: groupsOfFour(secretBase32), otpauthUri, qrSvg, expiresAt };
}

export async function finishTotpSetup(
  ctx: Ctx,
  user: { id: string; email: string },
  input: { enrollmentId: string; code: string; label?: string },
  requestMeta: ReturnType<typeof meta>,
): Promise<{ factor: { id: string; type: 'totp'; label: string; createdAt: string }; backupCodes: string[] | null }> {
  const label = input.label?.trim() || 'Authenticator app';
  // The enrolment consumed, the factor, 2FA on and the backup codes: one transaction (all or nothing).
  const { result, backupCodes } = await inTransaction(ctx, async (tx) => {
    const confirmed = await confirmEnrollment(tx, user.id, input.enrollmentId, input.code.replace(/\s/g, ''), label);
    return {
      result: confirmed,
      backupCodes: confirmed.ok ? await recordFactorAdded(tx, user, { type: 'totp', label }, requestMeta) : null,
    };
  });
  if (!result.ok) {
    if (result.reason === 'expired')
      throw new AppError('not_found', { message: 'This setup has expired. Start again to get a new QR code.' });
    throw failedCode({ ok: false, reason: 'invalid', clockDriftMinutes: result.clockDriftMinutes });
  }
  await notifyFactorAdded(ctx, user, { type: 'totp', label });
  return { factor: { id: result.factor.id, type: 'totp', label, createdAt: result.factor.createdAt }, backupCodes };
}

export async function totpRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/api/v1/me/factors/totp',
    {
      config: { enrolment: true },
      schema: { summary: 'Start setting up an authenticator app (sudo); new secret each time, 15 minutes' },
    },
    async (request) => {
      const session = requireSudo(ctx, request, { enrolment: true });
      return beginTotpSetup(ctx, session.user);
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
      const result = await finishTotpSetup(
        ctx,
        session.user,
        request.body as { enrollmentId: string; code: string; label?: string },
        meta(request),
      );
      if (result.backupCodes) await upgradeAfterFirstFactor(ctx, request, reply, ['otp']);
      return result;
    },
  );
}
