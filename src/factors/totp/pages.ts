/**
 * Profile → Security → "Set up authenticator app" (sudo): the QR code of the attempt still open (a reload or
 * a wrong code shows the same one; "Start again" makes a new one), then the code from the app turns it on;
 * the first factor shows the backup codes once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { LocalizableError } from '../../i18n/index.ts';
import { clearCookie, CONTINUE_COOKIE } from '../../http/cookies.ts';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { beginEnrolment, finishEnrolment } from '../../flows/factors.ts';
import { pageFrame } from '../../pages/page.ts';
import { shownOnPage } from '../../pages/confirm-pages.ts';
import { continuePath, securityPage } from '../../pages/security-pages.ts';
import { backupCodesView } from '../../pages/security-views.ts';
import { textField } from '../../pages/ui.ts';
import { totpFactor } from './factor.ts';
import { totpSetupView } from './views.ts';

const SETUP_PATH = '/profile/security/totp';

export async function totpPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
    keep = true,
  ) {
    const session = requireSession(request, { enrolment: true });
    const setup = await beginEnrolment(ctx, { session, meta: meta(request) }, totpFactor, { keep });
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const view = totpSetupView(t, setup, frame.csrf, error ? t.error(error) : null);
    return frame.send(status, t('security:totp.title'), view, ['/static/copy.js']);
  }

  app.get(SETUP_PATH, async (request, reply) => {
    const restart = (request.query as Record<string, unknown>).restart === '1';
    return renderSetup(request, reply, 200, null, !restart);
  });

  app.post(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const body = request.body;
    try {
      const done = await finishEnrolment(ctx, { session, meta: meta(request) }, totpFactor, {
        enrollmentId: textField(body, 'enrollmentId', 64),
        code: textField(body, 'code', 16),
        label: textField(body, 'label', 100),
      });
      if (!done.backupCodes) return reply.redirect('/profile/security?done=totp_added', 303);
      if (done.sessionToken) issueSessionCookie(ctx, reply, done.sessionToken, session.remember);
      const continueTo = continuePath(ctx, request);
      if (continueTo) clearCookie(reply, ctx.config, CONTINUE_COOKIE);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(
        frame.t,
        done.backupCodes,
        ctx.config.productName,
        session.user.email,
        true,
        continueTo || undefined,
      );
      return frame.send(200, frame.t('security:title'), view, ['/static/backup-codes.js']);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_code') return renderSetup(request, reply, 401, error);
      if (shownOnPage(error)) return securityPage(ctx, request, reply, error.status, error);
      throw error;
    }
  });
}
