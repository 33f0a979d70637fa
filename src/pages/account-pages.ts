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
import { continueSignIn, NEW_PASSWORD_HINT } from './auth-pages.ts';
import {
  csrfInput,
  flash,
  formError,
  input,
  linkToken,
  plainText,
  ROLE_LABELS,
  textField,
  type FormError,
} from './ui.ts';

const SENT =
  'If an account exists for that address, we sent a link to choose a new password. It works once, for one hour. Check your spam folder if nothing arrives in a few minutes.';

function invalidLink(what: string, again: Html): Html {
  return html`<section class="card narrow" aria-labelledby="invalid-title">
  <h1 id="invalid-title">This link is invalid or has expired</h1>
  ${notice('error', `The ${what} link cannot be used any more. Links work once and only for a limited time.`)}
  ${again}
</section>`;
}

export async function accountPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  /**
   * Over a link's rate limit the page says so and nothing else: looking the token up to choose between the
   * form and "invalid link" would answer the very question the limit is there to stop.
   */
  async function renderTooMany(request: FastifyRequest, reply: FastifyReply, title: string, problem: FormError) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      problem.status,
      title,
      html`<section class="card narrow" aria-labelledby="limited-title">
  <h1 id="limited-title">${title}</h1>
  ${notice('error', problem.message)}
  <p>Too many links were tried from your network. Wait a few minutes, then open the link from your email again.</p>
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
    const sent = error ? null : flash(request.query, { sent: SENT });
    return frame.send(
      status,
      'Forgot your password?',
      html`<section class="card narrow" aria-labelledby="forgot-title">
  <h1 id="forgot-title">Forgot your password?</h1>
  ${notice('success', sent)}${notice('error', error?.message)}
  <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
  <form method="post" action="/forgot-password">
    ${csrfInput(frame.csrf)}
    ${input({ id: 'email', name: 'email', type: 'email', label: 'Email', value: email, autocomplete: 'username', maxlength: 320, invalid: error?.field === 'email', autofocus: true })}
    <button type="submit" class="wide">Send reset link</button>
  </form>
  <p class="hint">Resetting your password does not turn off two-factor authentication.</p>
  <p class="form-foot"><a href="/sign-in">Back to sign in</a></p>
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
    if (!token || !(await resetTokenIsLive(ctx, token))) {
      return frame.send(
        error ? error.status : 400,
        'Reset link expired',
        invalidLink(
          'password reset',
          html`<p>You can ask for a new one.</p>
  <p><a class="button" href="/forgot-password">Send a new reset link</a></p>`,
        ),
      );
    }
    return frame.send(
      status,
      'Choose a new password',
      html`<section class="card narrow" aria-labelledby="reset-title">
  <h1 id="reset-title">Choose a new password</h1>
  ${notice('error', error?.message)}
  <form method="post" action="/reset-password">
    ${csrfInput(frame.csrf)}
    <input type="hidden" name="token" value="${token}">
    ${input({ id: 'password', name: 'password', type: 'password', label: 'New password', autocomplete: 'new-password', maxlength: 1024, invalid: error?.field === 'password', hint: NEW_PASSWORD_HINT, autofocus: true })}
    <button type="submit" class="wide">Change password</button>
  </form>
  <p class="hint">You will be signed out everywhere and asked to sign in again. Two-factor authentication stays on.</p>
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
      if (problem.code === 'rate_limited') return renderTooMany(request, reply, 'Choose a new password', problem);
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
    if (!invitation) {
      return frame.send(
        error ? error.status : 400,
        'Invitation expired',
        invalidLink(
          'invitation',
          html`<p>Ask the person who invited you to send a new invitation. If you already accepted it, just sign in.</p>
  <p><a class="button" href="/sign-in">Sign in</a></p>`,
        ),
      );
    }
    const role = ROLE_LABELS[invitation.role] ?? invitation.role;
    return frame.send(
      status,
      'Accept invitation',
      html`<section class="card narrow" aria-labelledby="invite-title">
  <h1 id="invite-title">Join ${invitation.orgName}</h1>
  <p class="lead">You were invited to <strong>${invitation.orgName}</strong> as <strong>${role}</strong>.</p>
  ${notice('error', error?.message)}
  <form method="post" action="/invitations/accept">
    ${csrfInput(frame.csrf)}
    <input type="hidden" name="token" value="${token}">
    <label for="invite-email">Email</label>
    <input id="invite-email" type="email" value="${invitation.email}" autocomplete="username" readonly>
    ${
      invitation.accountExists
        ? html`<p class="hint">You already have an account with this address. Enter the password of your account to join.</p>
    ${input({ id: 'password', name: 'password', type: 'password', label: 'Password of your account', autocomplete: 'current-password', maxlength: 1024, invalid: error !== null, autofocus: true })}`
        : html`${input({ id: 'name', name: 'name', label: 'Your name', value: name, autocomplete: 'name', maxlength: 200, required: false, autofocus: true })}
    ${input({ id: 'password', name: 'password', type: 'password', label: 'Choose a password', autocomplete: 'new-password', maxlength: 1024, invalid: error?.field === 'password', hint: NEW_PASSWORD_HINT })}`
    }
    <button type="submit" class="wide">Accept invitation</button>
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
      if (problem.code === 'rate_limited') return renderTooMany(request, reply, 'Accept invitation', problem);
      return renderInvitation(request, reply, problem.status, token, textField(body, 'name', 200), problem);
    }
    // Signed in at once with the password just chosen or proved (a second factor, if any, is still asked).
    return continueSignIn(ctx, reply, result, '/profile?done=invitation_accepted');
  });
}
