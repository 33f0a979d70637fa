/** The second step of sign-in in the browser: code entry or a passkey, "try another way", "trust this device". */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { getUser } from '../accounts/service.ts';
import { clearCookie, cookieNames } from '../http/cookies.ts';
import { afterSignIn } from './checkup-pages.ts';
import { NEXT_COOKIE } from './auth-pages.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { browserTokens, meta } from '../http/request.ts';
import { applySecondStep } from '../http/session.ts';
import { CODE_METHODS, describeMethod, proofFrom, type SecondFactorMethod } from '../factors/index.ts';
import { trustedDeviceDays } from '../orgs/policy.ts';
import { membershipsOf } from '../orgs/service.ts';
import { liveChallenge } from '../sessions/challenge.ts';
import { methodsForChallenge, secondStep, sendSignInCode } from '../flows/sign-in.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { passkeyChallengeView, WEBAUTHN_SCRIPT } from '../factors/passkey/views.ts';
import { openPhoneChallenge } from '../factors/phone/pages.ts';
import { openEmailChallenge } from '../factors/email/pages.ts';
import { emailResendForm, emailSentPrompt } from '../factors/email/views.ts';
import { PHONE_SCRIPT, resendForm, sentPrompt } from '../factors/phone/views.ts';
import { textField } from './ui.ts';
import type { T } from '../i18n/index.ts';

async function render(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  method: string | undefined,
  /** What went wrong, in the reader's language. */
  error: ((t: T) => string) | null,
) {
  const ctx = app.ctx;
  const challenge = await liveChallenge(ctx, request.cookies[cookieNames(ctx.config).challenge]);
  const user = await getUser(ctx, challenge.userId);
  // A new-device check asks only for the code emailed; a second step offers the person's methods.
  const deviceCheck = challenge.kind === 'device_check';
  const methods: SecondFactorMethod[] = deviceCheck ? ['email'] : await methodsForChallenge(ctx, challenge);
  const current = methods.find((m) => m === method) ?? methods[0] ?? 'backup_code';
  const text = describeMethod(current);
  const field = text.field ?? { numeric: false, maxLength: 64 };
  const days = deviceCheck ? 0 : await trustedDeviceDays(ctx, challenge.userId);
  const mail = current === 'email' ? await openEmailChallenge(ctx, request, challenge) : null;
  const phone =
    text.answer === 'sent_code' && !mail ? await openPhoneChallenge(ctx, request, challenge, current) : null;
  // The person is known by now: their org's branding (the first org they joined).
  const frame = await pageFrame(ctx, request, reply, { org: (await membershipsOf(ctx, challenge.userId))[0]?.org.id });
  const t = frame.t;
  const title = deviceCheck ? t('auth:challenge.deviceHeading') : text.title;
  return frame.send(
    status,
    deviceCheck ? t('auth:challenge.deviceTitle') : t('auth:challenge.title'),
    html`<section class="card narrow" aria-labelledby="challenge-title">
  <h1 id="challenge-title">${title}</h1>
  <p class="muted">${t.html('auth:challenge.signingInAs', { email: user?.email ?? '' })}</p>
  ${notice('error', error?.(t) ?? phone?.error ?? mail?.error)}
  ${deviceCheck ? html`<p>${t('auth:challenge.deviceIntro')}</p>` : ''}
  ${phone ? sentPrompt(t, phone.state, ctx.config.phone.codeDigits) : mail ? emailSentPrompt(t, mail.state) : html`<p>${text.prompt}</p>`}
  ${
    text.answer === 'passkey'
      ? passkeyChallengeView(frame.t, days, safeReturnTo(ctx.config, request.cookies[NEXT_COOKIE], '/profile'))
      : html`<form method="post" action="/sign-in/challenge">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <input type="hidden" name="method" value="${current}">
    <label for="code">${text.label}</label>
    <input id="code" name="code" type="text" required autofocus autocomplete="one-time-code" spellcheck="false"
      ${field.numeric ? html`inputmode="numeric" pattern="[0-9 ]*" maxlength="${field.maxLength}"` : html`maxlength="${field.maxLength}" placeholder="${field.placeholder ?? ''}"`}>
    ${
      days > 0
        ? html`<label class="checkbox"><input type="checkbox" name="trustDevice" value="1"> ${t('auth:challenge.trustDevice', { count: days })}</label>
    <p class="hint">${t('auth:challenge.trustHint')}</p>`
        : ''
    }
    <button type="submit">${t('auth:challenge.verify')}</button>
  </form>`
  }
  ${phone ? resendForm(frame.t, { csrf: frame.csrf, action: '/sign-in/challenge/send', state: phone.state }) : ''}
  ${mail ? emailResendForm(frame.t, { csrf: frame.csrf, action: '/sign-in/challenge/send', state: mail.state }) : ''}
  ${
    methods.length > 1
      ? html`<h2 class="sub">${t('auth:challenge.otherWays')}</h2>
  <ul class="plain">${methods.filter((m) => m !== current && !(phone && m !== 'email' && describeMethod(m).answer === 'sent_code')).map((m) => html`<li><a href="/sign-in/challenge?method=${m}">${describeMethod(m).other}</a></li>`)}</ul>`
      : ''
  }
  ${deviceCheck ? '' : html`<p><a href="/sign-in/recovery">${t('auth:challenge.lostDevice')}</a></p>`}
  <p><a href="/sign-in">${t('auth:challenge.startAgain')}</a></p>
</section>`,
    text.answer === 'passkey' ? [WEBAUTHN_SCRIPT] : phone ? [PHONE_SCRIPT] : [],
  );
}

export async function challengePages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/sign-in/challenge', async (request, reply) => {
    try {
      return await render(app, request, reply, 200, (request.query as { method?: string }).method, null);
    } catch (error) {
      if (error instanceof AppError && error.code === 'challenge_expired')
        return reply.redirect('/sign-in?error=challenge_expired', 303);
      throw error;
    }
  });

  // "Didn't get it? Resend" and "Call me instead" (the button names the channel).
  app.post('/sign-in/challenge/send', async (request, reply) => {
    const asked = textField(request.body, 'channel', 10);
    const channel = asked === 'voice' || asked === 'email' ? asked : 'sms';
    try {
      await sendSignInCode(ctx, request.cookies[cookieNames(ctx.config).challenge], channel, meta(request));
      return reply.redirect(`/sign-in/challenge?method=${channel}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 500) throw error;
      if (error.code === 'challenge_expired') return reply.redirect('/sign-in?error=challenge_expired', 303);
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return render(app, request, reply, error.status, channel, (t) => t.error(error));
    }
  });

  app.post('/sign-in/challenge', async (request, reply) => {
    const body = request.body as { method?: string; code?: string; trustDevice?: string };
    const method = CODE_METHODS.find((m) => m === body.method) ?? CODE_METHODS[0]!;
    try {
      const result = await secondStep(
        ctx,
        request.cookies[cookieNames(ctx.config).challenge],
        {
          proof: proofFrom(method, String(body.code ?? '').slice(0, 64))!,
          trustDevice: body.trustDevice === '1',
        },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      applySecondStep(ctx, reply, result);
      const next = safeReturnTo(ctx.config, request.cookies[NEXT_COOKIE], '');
      if (next) clearCookie(reply, ctx.config, NEXT_COOKIE);
      return reply.redirect(
        result.recoveryCancelled
          ? '/profile/security?done=recovery_cancelled'
          : await afterSignIn(ctx, result.user, next || '/profile'),
        303,
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'challenge_expired') return reply.redirect('/sign-in?error=challenge_expired', 303);
      const left = error.details.attemptsLeft;
      const message = (t: T): string =>
        typeof left === 'number' && left > 0
          ? t('auth:challenge.attemptsLeft', { message: t.error(error), count: left })
          : t.error(error);
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      return render(app, request, reply, error.status, method, message).catch((inner: unknown) => {
        if (inner instanceof AppError && inner.code === 'challenge_expired')
          return reply.redirect('/sign-in?error=challenge_expired', 303);
        throw inner;
      });
    }
  });
}
