/**
 * Profile → Security → "Add a phone number" (sudo): number + country + text or call → a code page
 * (resend, call me instead, countdown) → the number becomes a factor; changing a number the same way;
 * "Text me a code" for re-authentication. Also the sign-in challenge's phone state: the code goes out when
 * the page opens — once, not again on reload while a code is live or the cooldown runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { Ctx } from '../../context.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { cookieNames } from '../../http/cookies.ts';
import { issueSessionCookie, meta, requireSession } from '../../http/request.ts';
import { safeReturnTo } from '../../http/return-to.ts';
import type { Challenge } from '../../sessions/challenge.ts';
import { requireRecentReauthentication } from '../../flows/acting.ts';
import { beginEnrolment, finishEnrolment, resendEnrolmentCode } from '../../flows/factors.ts';
import { sendReauthenticationCode } from '../../flows/reauthenticate.ts';
import { sendSignInCode } from '../../flows/sign-in.ts';
import { html } from '../../core/html.ts';
import { requestTranslator } from '../../http/locale.ts';
import type { LocalizableError, T } from '../../i18n/index.ts';
import { notice } from '../../pages/layout.ts';
import { pageFrame } from '../../pages/page.ts';
import { backupCodesView } from '../../pages/security-views.ts';
import { textField } from '../../pages/ui.ts';
import { cooldownSecondsLeft, liveCode, type CodeBinding } from '../sent-codes.ts';
import { phoneFactor } from './factor.ts';
import { countryChoices, maskPhone } from './numbers.ts';
import { listPhones, liveEnrollment } from './store.ts';
import { phoneCodeView, phoneSetupView, PHONE_SCRIPT, type PhoneCodeState } from './views.ts';

const SETUP_PATH = '/profile/security/phone';

const channelField = (body: unknown): PhoneChannel => (textField(body, 'channel', 10) === 'voice' ? 'voice' : 'sms');

async function codeState(ctx: Ctx, binding: CodeBinding, fallback: PhoneChannel): Promise<PhoneCodeState> {
  const live = await liveCode(ctx, binding);
  return {
    sentTo: live ? maskPhone(live.e164) : null,
    channel: live?.channel ?? fallback,
    cooldownSeconds: await cooldownSecondsLeft(ctx, binding),
  };
}

/**
 * The challenge page's phone state. Opening the page (GET) sends a code when none is live and the
 * cooldown is over; a failure to send is shown on the page, which still offers every other way.
 */
export async function openPhoneChallenge(
  ctx: Ctx,
  request: FastifyRequest,
  challenge: Challenge,
  method: string,
): Promise<{ state: PhoneCodeState; error: string | null }> {
  const channel: PhoneChannel = method === 'voice' ? 'voice' : 'sms';
  const binding: CodeBinding = { purpose: 'sign_in', userId: challenge.userId, challengeId: challenge.id };
  let error: string | null = null;
  if (request.method === 'GET' && !(await liveCode(ctx, binding)) && (await cooldownSecondsLeft(ctx, binding)) === 0) {
    try {
      await sendSignInCode(ctx, request.cookies[cookieNames(ctx.config).challenge], channel, meta(request));
    } catch (caught) {
      if (!(caught instanceof AppError) || caught.code === 'challenge_expired') throw caught;
      error = requestTranslator(request).error(caught);
    }
  }
  return { state: await codeState(ctx, binding, channel), error };
}

export async function phonePages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: LocalizableError | null,
  ) {
    const session = requireSession(request, { enrolment: true });
    const query = request.query as { replace?: string };
    const body = request.body ?? {};
    const replaceId = textField(body, 'replacesFactorId', 64) || (query.replace ?? '');
    const replaced = (await listPhones(ctx, session.userId)).find((p) => p.id === replaceId);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const values = {
      phone: textField(body, 'phone', 40),
      country: textField(body, 'country', 2) || (ctx.config.phone.allowedCountries[0] ?? 'US'),
      channel: channelField(body),
    };
    const view = phoneSetupView(t, {
      csrf: frame.csrf,
      countries: countryChoices(ctx.config.phone.allowedCountries),
      replaces: replaced ? { id: replaced.id, label: replaced.label } : null,
      error: error ? t.error(error) : null,
      values,
    });
    return frame.send(status, replaced ? t('security:phone.changeTitle') : t('security:phone.addTitle'), view);
  }

  async function renderCode(
    request: FastifyRequest,
    reply: FastifyReply,
    enrollmentId: string,
    status: number,
    error: ((t: T) => string) | null,
    sentNotice: string | null,
  ) {
    const session = requireSession(request, { enrolment: true });
    const enrollment = await liveEnrollment(ctx, session.userId, enrollmentId);
    if (!enrollment) {
      const expired = 'This phone setup has expired. Start again to get a new code.';
      return renderSetup(request, reply, 404, { message: expired, messageKey: 'security:errors.phoneSetupExpired' });
    }
    const state = await codeState(
      ctx,
      { purpose: 'verify_phone', userId: session.userId, enrollmentId },
      enrollment.channel,
    );
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const view = phoneCodeView(t, {
      csrf: frame.csrf,
      enrollmentId,
      e164Masked: maskPhone(enrollment.e164),
      state,
      digits: ctx.config.phone.codeDigits,
      error: error ? error(t) : null,
      sentNotice,
    });
    return frame.send(status, t('security:phone.enterCode'), view, [PHONE_SCRIPT]);
  }

  app.get(SETUP_PATH, async (request, reply) => {
    // The form sends a code at once, which needs a fresh re-authentication: ask for it first.
    requireRecentReauthentication(ctx, requireSession(request, { enrolment: true }));
    return renderSetup(request, reply, 200, null);
  });

  app.post(SETUP_PATH, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const body = request.body;
    try {
      const replacesFactorId = textField(body, 'replacesFactorId', 64);
      const started = await beginEnrolment(ctx, { session, meta: meta(request) }, phoneFactor, {
        phone: textField(body, 'phone', 40),
        country: textField(body, 'country', 2),
        channel: channelField(body),
        ...(replacesFactorId ? { replacesFactorId } : {}),
      });
      return reply.redirect(`${SETUP_PATH}/verify?id=${encodeURIComponent(started.enrollmentId)}`, 303);
    } catch (error) {
      // A failed delivery (502) is shown here too; a request to confirm first goes to "Confirm it's you".
      if (!(error instanceof AppError) || error.status === 500 || error.code === 'reauthentication_required')
        throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return renderSetup(request, reply, error.status, error);
    }
  });

  app.get(`${SETUP_PATH}/verify`, async (request, reply) => {
    return renderCode(request, reply, textField(request.query, 'id', 64), 200, null, null);
  });

  app.post(`${SETUP_PATH}/resend`, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const enrollmentId = textField(request.body, 'enrollmentId', 64);
    try {
      await resendEnrolmentCode(ctx, { session, meta: meta(request) }, phoneFactor, {
        enrollmentId,
        channel: channelField(request.body),
      });
      return reply.redirect(`${SETUP_PATH}/verify?id=${encodeURIComponent(enrollmentId)}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return renderCode(request, reply, enrollmentId, error.status, (t) => t.error(error), null);
    }
  });

  app.post(`${SETUP_PATH}/verify`, async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const enrollmentId = textField(request.body, 'enrollmentId', 64);
    try {
      const result = await finishEnrolment(ctx, { session, meta: meta(request) }, phoneFactor, {
        enrollmentId,
        code: textField(request.body, 'code', 16),
      });
      const done = result.changed ? 'phone_changed' : 'phone_added';
      if (!result.backupCodes) return reply.redirect(`/profile/security?done=${done}`, 303);
      if (result.sessionToken) issueSessionCookie(ctx, reply, result.sessionToken, session.remember);
      const frame = await pageFrame(ctx, request, reply);
      const view = backupCodesView(
        frame.t,
        result.backupCodes,
        ctx.config.productName,
        session.user.email,
        true,
        `/profile/security?done=${done}`,
      );
      return frame.send(200, frame.t('security:backupCodes.pageTitle'), view, ['/static/backup-codes.js']);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      const left = error.details.attemptsLeft;
      const message = (t: T) =>
        typeof left === 'number' && left > 0
          ? `${t.error(error)} ${t('security:attemptsLeft', { count: left })}`
          : t.error(error);
      return renderCode(request, reply, enrollmentId, error.status, message, null);
    }
  });

  // "Text me a code" on the re-authentication and "turn off" forms.
  app.post(`${SETUP_PATH}/send-proof`, async (request, reply) => {
    const session = requireSession(request);
    const next = safeReturnTo(ctx.config, (request.body as { next?: unknown } | undefined)?.next, '/profile/security');
    const channel = channelField(request.body);
    try {
      await sendReauthenticationCode(ctx, { session, meta: meta(request) }, channel);
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
    if (next === '/profile/security') return reply.redirect('/profile/security?done=phone_code_sent', 303);
    // An app's sign-in request asks for the factor on its own page.
    if (/^\/authorize\/[A-Za-z0-9_-]+$/.test(next)) return reply.redirect(`${next}?sent=${channel}`, 303);
    return reply.redirect(`/profile/security/confirm?next=${encodeURIComponent(next)}&sent=${channel}`, 303);
  });
}
