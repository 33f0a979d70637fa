/**
 * Profile → Security → "Turn on email codes" (sudo): a code goes to the account's address → the code page
 * (resend after the cooldown) → email codes become a factor. Also the sign-in challenge's email state (a
 * second factor, or the new-device check): a code goes out when the page opens — once, not again on reload
 * while a code is live or the cooldown runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { Ctx } from '../../context.ts';
import { cookieNames } from '../../http/cookies.ts';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import type { Challenge } from '../../sessions/challenge.ts';
import { requireRecentReauthentication } from '../../flows/acting.ts';
import { beginEnrolment, finishEnrolment, resendEnrolmentCode } from '../../flows/factors.ts';
import { sendSignInCode } from '../../flows/sign-in.ts';
import { sendReauthenticationCode } from '../../flows/reauthenticate.ts';
import { safeReturnTo } from '../../http/return-to.ts';
import { html } from '../../core/html.ts';
import { requestTranslator } from '../../http/locale.ts';
import type { LocalizableError, T } from '../../i18n/index.ts';
import { notice } from '../../pages/layout.ts';
import { pageFrame } from '../../pages/page.ts';
import { backupCodesView } from '../../pages/security-views.ts';
import { textField } from '../../pages/ui.ts';
import { cooldownSecondsLeft, liveCode, type CodeBinding } from '../sent-codes.ts';
import { emailFactor } from './factor.ts';
import { maskAddress } from './send.ts';
import { liveEmailEnrollment } from './store.ts';
import { emailCodeView, emailSetupView, type EmailCodeState } from './views.ts';

const SETUP_PATH = '/profile/security/email';

async function codeState(ctx: Ctx, binding: CodeBinding): Promise<EmailCodeState> {
  const live = await liveCode(ctx, binding);
  return { sentTo: live ? maskAddress(live.e164) : null, cooldownSeconds: await cooldownSecondsLeft(ctx, binding) };
}

/**
 * The challenge page's email state. Opening the page (GET) sends a code when none is live and the cooldown
 * is over; a failure to send is shown on the page, which still offers every other way.
 */
export async function openEmailChallenge(
  ctx: Ctx,
  request: FastifyRequest,
  challenge: Challenge,
): Promise<{ state: EmailCodeState; error: string | null }> {
  const binding: CodeBinding = {
    purpose: 'sign_in',
    userId: challenge.userId,
    challengeId: challenge.id,
    medium: 'email',
  };
  let error: string | null = null;
  if (request.method === 'GET' && !(await liveCode(ctx, binding)) && (await cooldownSecondsLeft(ctx, binding)) === 0) {
    try {
      await sendSignInCode(ctx, request.cookies[cookieNames(ctx.config).challenge], 'email', meta(request));
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.code === 'challenge_expired') throw caught;
      error = requestTranslator(request).error(caught);
    }
  }
  return { state: await codeState(ctx, binding), error };
}

export async function emailPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const session = requireSession(request, { enrolment: true });
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('security:email.title'),
      emailSetupView(t, { csrf: frame.csrf, address: session.user.email, error: error ? t.error(error) : null }),
    );
  }

  async function renderCode(
    request: FastifyRequest,
    reply: FastifyReply,
    enrollmentId: string,
    status: number,
    error: ((t: T) => string) | null,
  ) {
    const session = requireSession(request, { enrolment: true });
    if (!(await liveEmailEnrollment(ctx, session.userId, enrollmentId))) {
      const expired = 'This setup has expired. Start again to get a new code.';
      return renderSetup(request, reply, 404, { message: expired, messageKey: 'security:errors.emailSetupExpired' });
    }
    const state = await codeState(ctx, { purpose: 'verify_email', userId: session.userId, enrollmentId });
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const view = emailCodeView(t, { csrf: frame.csrf, enrollmentId, state, error: error ? error(t) : null });
    return frame.send(status, t('security:email.enterCode'), view);
  }

  app.get(SETUP_PATH, async (request, reply) => {
    // The form sends a code at once, which needs a fresh re-authentication: ask for it first.
    requireRecentReauthentication(ctx, requireSession(request, { enrolment: true }));
    return renderSetup(request, reply, 200, null);
  });

  app.post(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    try {
      const started = await beginEnrolment(ctx, { session, meta: meta(request) }, emailFactor, {});
      return reply.redirect(`${SETUP_PATH}/verify?id=${encodeURIComponent(started.enrollmentId)}`, 303);
    } catch (error) {
      // A request to confirm first goes to "Confirm it's you"; an org refusal is shown here.
      if (!(error instanceof AppError) || error.status === 500 || error.code === 'reauthentication_required')
        throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return renderSetup(request, reply, error.status, error);
    }
  });

  app.get(`${SETUP_PATH}/verify`, async (request, reply) => {
    return renderCode(request, reply, textField(request.query, 'id', 64), 200, null);
  });

  app.post(`${SETUP_PATH}/resend`, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const enrollmentId = textField(request.body, 'enrollmentId', 64);
    try {
      await resendEnrolmentCode(ctx, { session, meta: meta(request) }, emailFactor, { enrollmentId });
      return reply.redirect(`${SETUP_PATH}/verify?id=${encodeURIComponent(enrollmentId)}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return renderCode(request, reply, enrollmentId, error.status, (t) => t.error(error));
    }
  });

  // "Email me a code" on the re-authentication and "turn off" forms.
  app.post(`${SETUP_PATH}/send-proof`, async (request, reply) => {
    const session = requireSession(request);
    const next = safeReturnTo(ctx.config, (request.body as { next?: unknown } | undefined)?.next, '/profile/security');
    try {
      await sendReauthenticationCode(ctx, { session, meta: meta(request) }, 'email');
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      const frame = await pageFrame(ctx, request, reply);
      const t = frame.t;
      return frame.send(
        error.status,
        t('security:codeNotSent'),
        html`<section class="card narrow"><h1>${t('security:codeNotSent')}</h1>${notice('error', t.error(error))}<p><a href="${next}">${t('security:goBack')}</a></p></section>`,
      );
    }
    if (next === '/profile/security') return reply.redirect('/profile/security?done=email_code_sent', 303);
    // An app's sign-in request asks for the factor on its own page.
    if (/^\/authorize\/[A-Za-z0-9_-]+$/.test(next)) return reply.redirect(`${next}?sent=email`, 303);
    return reply.redirect(`/profile/security/confirm?next=${encodeURIComponent(next)}&sent=email`, 303);
  });

  app.post(`${SETUP_PATH}/verify`, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const enrollmentId = textField(request.body, 'enrollmentId', 64);
    try {
      const result = await finishEnrolment(ctx, { session, meta: meta(request) }, emailFactor, {
        enrollmentId,
        code: textField(request.body, 'code', 16),
      });
      if (!result.backupCodes) return reply.redirect('/profile/security?done=email_added', 303);
      if (result.sessionToken) issueSessionCookie(ctx, reply, result.sessionToken, session.remember);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(
        frame.t,
        result.backupCodes,
        ctx.config.productName,
        session.user.email,
        true,
        '/profile/security?done=email_added',
      );
      return frame.send(200, frame.t('security:backupCodes.pageTitle'), view, ['/static/backup-codes.js']);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      const left = error.details.attemptsLeft;
      const message = (t: T) =>
        typeof left === 'number' && left > 0
          ? `${t.error(error)} ${t('security:attemptsLeft', { count: left })}`
          : t.error(error);
      return renderCode(request, reply, enrollmentId, error.status, message);
    }
  });
}
