/** JSON routes: own account, password change, password reset by email, email verification, own security activity. */
import type { FastifyInstance } from 'fastify';
import { RATE_LIMITS } from '../config/defaults.ts';
import { queryAudit } from '../audit/store.ts';
import { email, object, password, str, token } from '../http/schema.ts';
import { limitByIp, meta, requireSession, requireSudo } from '../http/request.ts';
import { sessionResponse } from '../http/session.ts';
import { changePassword, requestPasswordReset, resetPassword } from './service.ts';
import { confirmEmailVerification, requestEmailVerification } from './verification.ts';

export const auditQuerySchema = object({
  event: str(64, { pattern: '^[a-z_.]+$' }),
  userId: str(64, { pattern: '^[A-Za-z0-9_-]+$' }),
  /** The `nextCursor` of the previous page: `<ISO time>|<id>`. */
  before: str(120, { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\\|[A-Za-z0-9_-]{1,64}$' }),
  limit: str(3, { pattern: '^[0-9]{1,3}$' }),
});

export function pageLimit(raw: string | undefined): number {
  const n = raw ? Number(raw) : 50;
  return Math.min(Math.max(n, 1), 200);
}

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/api/v1/me', { schema: { summary: 'My account and organizations' } }, async (request) => {
    return sessionResponse(app, requireSession(request));
  });

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        summary: 'Change my password (other sessions end)',
        body: object({ currentPassword: password(), newPassword: password() }, ['currentPassword', 'newPassword']),
      },
    },
    async (request) => {
      const session = requireSession(request);
      // With 2FA on, a password change is a sudo action: the second factor too, within the last 10 minutes.
      if (session.user.twoFactorEnabled) requireSudo(ctx, request);
      const body = request.body as { currentPassword: string; newPassword: string };
      await changePassword(ctx, session.user, body.currentPassword, body.newPassword, session.id, meta(request));
      return { status: 'changed' };
    },
  );

  app.post(
    '/api/v1/password-reset',
    {
      config: { public: true },
      schema: {
        summary: 'Email a password-reset link (same answer for every address)',
        body: object({ email: email() }, ['email']),
      },
    },
    async (request, reply) => {
      await limitByIp(ctx, request, 'password-reset', RATE_LIMITS.passwordReset);
      await requestPasswordReset(ctx, (request.body as { email: string }).email, meta(request));
      return reply.status(202).send({ status: 'sent_if_account_exists' });
    },
  );

  app.post(
    '/api/v1/password-reset/confirm',
    {
      config: { public: true },
      schema: {
        summary: 'Set a new password from a reset link (does not sign in)',
        body: object({ token: token(), password: password() }, ['token', 'password']),
      },
    },
    async (request) => {
      await limitByIp(ctx, request, 'password-reset-confirm', RATE_LIMITS.passwordReset);
      const body = request.body as { token: string; password: string };
      await resetPassword(ctx, body.token, body.password, meta(request));
      return { status: 'password_reset' };
    },
  );

  app.post(
    '/api/v1/me/email/verification',
    {
      schema: { summary: 'Email me a new link to verify my email address (409 when it is already verified)' },
    },
    async (request, reply) => {
      const session = requireSession(request);
      await limitByIp(ctx, request, 'email-verification-send', RATE_LIMITS.emailVerificationSend);
      const status = await requestEmailVerification(ctx, session.user, meta(request));
      return reply.status(202).send({ status });
    },
  );

  app.post(
    '/api/v1/email-verification/confirm',
    {
      config: { public: true },
      schema: {
        summary: 'Verify an email address with the token of an emailed link (single use)',
        body: object({ token: token() }, ['token']),
      },
    },
    async (request) => {
      await limitByIp(ctx, request, 'email-verification', RATE_LIMITS.emailVerification);
      await confirmEmailVerification(ctx, (request.body as { token: string }).token, meta(request));
      return { status: 'verified' };
    },
  );

  app.get(
    '/api/v1/me/audit',
    { schema: { summary: 'My security activity', querystring: auditQuerySchema } },
    async (request) => {
      const session = requireSession(request);
      const q = request.query as { event?: string; before?: string; limit?: string };
      const page = await queryAudit(ctx.db, {
        userId: session.userId,
        event: q.event,
        before: q.before,
        limit: pageLimit(q.limit),
      });
      return { events: page.rows, nextCursor: page.nextCursor };
    },
  );
}
