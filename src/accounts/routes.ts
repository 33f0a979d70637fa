/** JSON routes: own account, password change, password reset by email, email verification, own security activity. */
import type { FastifyInstance } from 'fastify';
import { queryAudit } from '../audit/store.ts';
import { auditQuerySchema, pageLimit } from '../http/audit-query.ts';
import { email, object, password, token } from '../http/schema.ts';
import { meta, requireSession } from '../http/request.ts';
import { sessionResponse } from '../http/session.ts';
import { changePassword, requestPasswordReset, resetPassword } from '../flows/password.ts';
import { confirmEmailVerification, requestEmailVerification } from '../flows/email-verification.ts';
import { dismissOnboarding, onboardingForApi, onboardingOf } from '../flows/onboarding.ts';
import { updatePreferences, type PreferencesChange } from '../flows/preferences.ts';
import { LOCALES } from '../i18n/index.ts';

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/api/v1/me', { schema: { summary: 'My account and organizations' } }, async (request) => {
    return sessionResponse(app, requireSession(request));
  });

  app.patch(
    '/api/v1/me',
    {
      schema: {
        summary: 'Save my language and time zone (null: no preference)',
        body: object({
          locale: { type: ['string', 'null'], enum: [...LOCALES, null] },
          timeZone: { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' },
        }),
      },
    },
    async (request) => {
      const session = requireSession(request);
      const saved = await updatePreferences(ctx, { session }, request.body as PreferencesChange);
      const answer = await sessionResponse(app, session);
      return { ...answer, user: { ...answer.user, ...saved } };
    },
  );

  app.get(
    '/api/v1/me/onboarding',
    { schema: { summary: "The owner's onboarding checklist (null when it does not apply or was dismissed)" } },
    async (request) => ({
      onboarding: onboardingForApi(await onboardingOf(ctx, { session: requireSession(request) })),
    }),
  );

  app.post(
    '/api/v1/me/onboarding/dismiss',
    { schema: { summary: "Put the owner's onboarding checklist away (remembered)" } },
    async (request) => {
      await dismissOnboarding(ctx, { session: requireSession(request) });
      return { onboarding: null };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        summary: 'Change my password (other sessions end)',
        body: object({ currentPassword: password(), newPassword: password() }, ['currentPassword', 'newPassword']),
      },
    },
    async (request) => {
      const body = request.body as { currentPassword: string; newPassword: string };
      await changePassword(ctx, { session: requireSession(request), meta: meta(request) }, body);
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
      await resetPassword(ctx, request.body as { token: string; password: string }, meta(request));
      return { status: 'password_reset' };
    },
  );

  app.post(
    '/api/v1/me/email/verification',
    {
      schema: { summary: 'Email me a new link to verify my email address (409 when it is already verified)' },
    },
    async (request, reply) => {
      const status = await requestEmailVerification(ctx, { session: requireSession(request), meta: meta(request) });
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
