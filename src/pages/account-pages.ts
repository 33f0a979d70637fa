/**
 * Pages reached from an email or by someone who cannot sign in: forgot password, reset password (from the
 * emailed link), accepting an invitation. None of them signs anybody in: afterwards the person signs in,
 * so a second factor is still asked when they have one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RATE_LIMITS } from '../config/defaults.ts';
import { browserTokens, limitByIp, meta } from '../http/request.ts';
import { parseEmail } from '../accounts/service.ts';
import { resetTokenIsLive } from '../accounts/password-resets.ts';
import { requestPasswordReset, resetPassword } from '../flows/password.ts';
import { acceptInvitationAndSignIn } from '../flows/invitations.ts';
import type { PasswordStepResult } from '../flows/sign-in.ts';
import { findInvitation, type PendingInvitation } from '../orgs/invitations.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { continueSignIn, newPasswordHint } from './auth-pages.ts';
import {
  csrfInput,
  flash,
  formError,
  input,
  linkToken,
  plainText,
  roleLabel,
  textField,
  type FormError,
} from './ui.ts';
import type { T } from '../i18n/index.ts';

function invalidLink(t: T, what: 'passwordReset' | 'invitation', again: Html): Html {
  return html`<section class="card narrow" aria-labelledby="invalid-title">
  <h1 id="invalid-title">${t('account:invalidLink.heading')}</h1>
  ${notice('error', t(`account:invalidLink.${what}`))}
  ${again}
</section>`;
}

export async function accountPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  /**
   * Over a link's rate limit the page says so and nothing else: looking the token up to choose between the
   * form and "invalid link" would answer the very question the limit is there to stop.
   */
  async function renderTooMany(
    request: FastifyRequest,
    reply: FastifyReply,
    titleOf: (t: T) => string,
    problem: FormError,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const title = titleOf(t);
    return frame.send(
      problem.status,
      title,
      html`<section class="card narrow" aria-labelledby="limited-title">
  <h1 id="limited-title">${title}</h1>
  ${notice('error', t.error(problem))}
  <p>${t('account:tooMany')}</p>
</section>`,
    );
  }

  async function renderForgot(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    email: string,
    error: FormError | null,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const sent = error ? null : flash(request.query, { sent: t('account:forgot.sent') });
    return frame.send(
      status,
      t('account:forgot.title'),
      html`<section class="card narrow" aria-labelledby="forgot-title">
  <h1 id="forgot-title">${t('account:forgot.heading')}</h1>
  ${notice('success', sent)}${notice('error', error ? t.error(error) : null)}
  <p>${t('account:forgot.intro')}</p>
  <form method="post" action="/forgot-password">
    ${csrfInput(frame.csrf)}
    ${input({ id: 'email', name: 'email', type: 'email', label: t('account:forgot.email'), value: email, autocomplete: 'username', maxlength: 320, invalid: error?.field === 'email', autofocus: true })}
    <button type="submit" class="wide">${t('account:forgot.submit')}</button>
  </form>
  <p class="hint">${t('account:forgot.hint')}</p>
  <p class="form-foot"><a href="/sign-in">${t('account:forgot.back')}</a></p>
</section>`,
    );
  }

  app.get('/forgot-password', { config: { public: true } }, async (request, reply) =>
    renderForgot(request, reply, 200, '', null),
  );

  app.post('/forgot-password', { config: { public: true } }, async (request, reply) => {
    const body = request.body;
    try {
      await requestPasswordReset(ctx, parseEmail(plainText(body, 'email')), meta(request));
    } catch (error) {
      const problem = formError(error, reply);
      return renderForgot(request, reply, problem.status, textField(body, 'email', 320), problem);
    }
    // The same answer whether or not the account exists.
    return reply.redirect('/forgot-password?done=sent', 303);
  });

  async function renderReset(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    token: string,
    error: FormError | null,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    if (!token || !(await resetTokenIsLive(ctx, token))) {
      return frame.send(
        error ? error.status : 400,
        t('account:reset.expiredTitle'),
        invalidLink(
          t,
          'passwordReset',
          html`<p>${t('account:reset.askAgain')}</p>
  <p><a class="button" href="/forgot-password">${t('account:reset.sendNew')}</a></p>`,
        ),
      );
    }
    return frame.send(
      status,
      t('account:reset.title'),
      html`<section class="card narrow" aria-labelledby="reset-title">
  <h1 id="reset-title">${t('account:reset.heading')}</h1>
  ${notice('error', error ? t.error(error) : null)}
  <form method="post" action="/reset-password">
    ${csrfInput(frame.csrf)}
    <input type="hidden" name="token" value="${token}">
    ${input({ id: 'password', name: 'password', type: 'password', label: t('account:reset.password'), autocomplete: 'new-password', maxlength: 1024, invalid: error?.field === 'password', hint: newPasswordHint(t), autofocus: true })}
    <button type="submit" class="wide">${t('account:reset.submit')}</button>
  </form>
  <p class="hint">${t('account:reset.hint')}</p>
</section>`,
    );
  }

  // Showing the form looks the token up (valid or not): throttled per IP like its submit.
  app.get('/reset-password', { config: { public: true } }, async (request, reply) => {
    await limitByIp(ctx, request, 'link-view', RATE_LIMITS.linkView);
    return renderReset(request, reply, 200, linkToken(request.query), null);
  });

  app.post('/reset-password', { config: { public: true } }, async (request, reply) => {
    const token = linkToken(request.body);
    try {
      await resetPassword(ctx, { token, password: textField(request.body, 'password', 1024) }, meta(request));
    } catch (error) {
      const problem = formError(error, reply);
      if (problem.code === 'rate_limited')
        return renderTooMany(request, reply, (t) => t('account:reset.title'), problem);
      return renderReset(request, reply, problem.status, token, problem);
    }
    return reply.redirect('/sign-in?done=password_reset', 303);
  });

  async function renderInvitation(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    token: string,
    name: string,
    error: FormError | null,
  ) {
    const invitation: PendingInvitation | null = token ? await findInvitation(ctx, token) : null;
    // The inviting org's branding, when the link is live.
    const frame = await pageFrame(ctx, request, reply, { org: invitation?.orgId });
    const t = frame.t;
    if (!invitation) {
      return frame.send(
        error ? error.status : 400,
        t('account:invitation.expiredTitle'),
        invalidLink(
          t,
          'invitation',
          html`<p>${t('account:invitation.askAgain')}</p>
  <p><a class="button" href="/sign-in">${t('account:invitation.signIn')}</a></p>`,
        ),
      );
    }
    const role = roleLabel(t, invitation.role);
    return frame.send(
      status,
      t('account:invitation.title'),
      html`<section class="card narrow" aria-labelledby="invite-title">
  <h1 id="invite-title">${t('account:invitation.heading', { org: invitation.orgName })}</h1>
  <p class="lead">${t.html('account:invitation.lead', { org: invitation.orgName, role })}</p>
  ${notice('error', error ? t.error(error) : null)}
  <form method="post" action="/invitations/accept">
    ${csrfInput(frame.csrf)}
    <input type="hidden" name="token" value="${token}">
    <label for="invite-email">${t('account:invitation.email')}</label>
    <input id="invite-email" type="email" value="${invitation.email}" autocomplete="username" readonly>
    ${
      invitation.accountExists
        ? html`<p class="hint">${t('account:invitation.existing')}</p>
    ${input({ id: 'password', name: 'password', type: 'password', label: t('account:invitation.existingPassword'), autocomplete: 'current-password', maxlength: 1024, invalid: error !== null, autofocus: true })}`
        : html`${input({ id: 'name', name: 'name', label: t('account:invitation.name'), value: name, autocomplete: 'name', maxlength: 200, required: false, autofocus: true })}
    ${input({ id: 'password', name: 'password', type: 'password', label: t('account:invitation.password'), autocomplete: 'new-password', maxlength: 1024, invalid: error?.field === 'password', hint: newPasswordHint(t) })}`
    }
    <button type="submit" class="wide">${t('account:invitation.submit')}</button>
  </form>
</section>`,
    );
  }

  app.get('/invitations/accept', { config: { public: true } }, async (request, reply) => {
    await limitByIp(ctx, request, 'link-view', RATE_LIMITS.linkView);
    return renderInvitation(request, reply, 200, linkToken(request.query), '', null);
  });

  app.post('/invitations/accept', { config: { public: true } }, async (request, reply) => {
    const body = request.body;
    const token = linkToken(body);
    let result: PasswordStepResult;
    try {
      result = await acceptInvitationAndSignIn(
        ctx,
        { token, password: textField(body, 'password', 1024), name: plainText(body, 'name', 200) },
        meta(request),
        browserTokens(ctx, request, reply),
      );
    } catch (error) {
      const problem = formError(error, reply);
      if (problem.code === 'rate_limited')
        return renderTooMany(request, reply, (t) => t('account:invitation.title'), problem);
      return renderInvitation(request, reply, problem.status, token, textField(body, 'name', 200), problem);
    }
    // Signed in at once with the password just chosen or proved (a second factor, if any, is still asked).
    return continueSignIn(ctx, reply, result, '/profile?done=invitation_accepted');
  });
}
