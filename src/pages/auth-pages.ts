/**
 * First-run setup, sign-in (the password step) and sign-out in the browser. The same flows as the
 * JSON routes (src/orgs/routes.ts, src/sessions/routes.ts) do the work; these handlers only read the
 * form, call them, and answer with a page or a 303 (POST-redirect-GET).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHALLENGE, PASSWORD, SESSION } from '../config/defaults.ts';
import { browserTokens, issueSessionCookie, meta } from '../http/request.ts';
import { clearCookie, cookieNames, setCookie } from '../http/cookies.ts';
import { applyPasswordStep } from '../http/session.ts';
import { isSetUp } from '../orgs/service.ts';
import type { Ctx } from '../context.ts';
import { setUpAndSignIn } from '../flows/setup.ts';
import { requirementSummary } from '../orgs/enforcement.ts';
import { passwordStep, type PasswordStepResult } from '../flows/sign-in.ts';
import { signOut } from '../flows/sessions.ts';
import { html } from '../core/html.ts';
import { afterSignIn } from './checkup-pages.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { passkeySignInButton, WEBAUTHN_SCRIPT } from '../factors/passkey/views.ts';
import { csrfInput, formError, input, plainText, textField, type FormError } from './ui.ts';
import type { MessageKey, T } from '../i18n/index.ts';

/** Where to go after the second step of a sign-in; lives as long as the sign-in challenge. */
export const NEXT_COOKIE = 'tf_next';

/** The hint under every new-password field (setup, reset, invitation, profile). */
export function newPasswordHint(t: T): string {
  return t('auth:newPasswordHint', { min: PASSWORD.minLength });
}
const REMEMBER_DAYS = Math.round(SESSION.rememberAbsoluteSeconds / 86_400);

/** `?done=` on the sign-in page: a fixed vocabulary, so the URL never carries text. */
const SIGN_IN_DONE: Readonly<Record<string, MessageKey>> = {
  signed_out: 'auth:signIn.done.signed_out',
  signed_out_everywhere: 'auth:signIn.done.signed_out_everywhere',
  invitation_accepted: 'auth:signIn.done.invitation_accepted',
  password_reset: 'auth:signIn.done.password_reset',
};
const SIGN_IN_ERRORS: Readonly<Record<string, MessageKey>> = {
  challenge_expired: 'auth:signIn.errors.challenge_expired',
};

/** The text named by a query field, from a fixed vocabulary of keys. */
function named(t: T, query: unknown, field: string, keys: Readonly<Record<string, MessageKey>>): string | null {
  const name = textField(query, field, 64);
  return Object.hasOwn(keys, name) ? t(keys[name]!) : null;
}

interface SignInValues {
  readonly email: string;
  readonly rememberMe: boolean;
  readonly next: string;
  /** The org whose branding the page shows (`?org=`, an app's org), kept through the form post. */
  readonly org: string;
}

/** `?org=` / the form's `org`: an org id, or '' (anything else is ignored: the product's own look). */
function orgField(source: unknown): string {
  const value = textField(source, 'org', 64);
  return /^[A-Za-z0-9_-]+$/.test(value) ? value : '';
}

interface SetupValues {
  readonly orgName: string;
  readonly name: string;
  readonly email: string;
}

/**
 * After the password step (the sign-in form, or an accepted invitation): the session cookie, or the challenge
 * cookie (never both), exactly as the JSON route sets them, then where to go.
 */
export async function continueSignIn(ctx: Ctx, reply: FastifyReply, result: PasswordStepResult, next: string) {
  applyPasswordStep(ctx, reply, result);
  switch (result.status) {
    case 'signed_in': {
      const requirement = await requirementSummary(ctx, result.user.id, result.user.twoFactorEnabled);
      // Past an org's deadline only enrolment is open; during the grace period a reminder comes first.
      // (An app's sign-in request shows the requirement on its own page, and comes back there after.)
      if (requirement.overdue) return reply.redirect(next.startsWith('/authorize/') ? next : '/profile/security', 303);
      const destination = next || '/profile';
      if (requirement.deadline)
        return reply.redirect(`/sign-in/two-factor-reminder?next=${encodeURIComponent(destination)}`, 303);
      return reply.redirect(await afterSignIn(ctx, result.user, destination), 303);
    }
    case 'second_factor_required':
    case 'device_check_required':
      // Where to go after the second step (an app's sign-in request, a page the person asked for).
      if (next) setCookie(reply, ctx.config, NEXT_COOKIE, next, CHALLENGE.lifetimeSeconds);
      return reply.redirect('/sign-in/challenge', 303);
    default: {
      const unexpected: never = result;
      throw new Error(`unhandled sign-in result ${String((unexpected as { status?: unknown }).status)}`);
    }
  }
}

export async function authPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function renderSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: SetupValues,
    error: FormError | null,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('auth:setup.title'),
      html`<section class="card narrow" aria-labelledby="setup-title">
  <h1 id="setup-title">${t('auth:setup.heading', { product: ctx.config.productName })}</h1>
  <p class="lead">${t('auth:setup.lead')}</p>
  ${notice('error', error ? t.error(error) : null)}
  <form method="post" action="/setup">
    ${csrfInput(frame.csrf)}
    ${input({ id: 'orgName', name: 'orgName', label: t('auth:setup.orgName'), value: values.orgName, autocomplete: 'organization', maxlength: 100, invalid: error?.field === 'orgName', hint: t('auth:setup.orgNameHint'), autofocus: true })}
    ${input({ id: 'name', name: 'name', label: t('auth:setup.name'), value: values.name, autocomplete: 'name', maxlength: 200, required: false })}
    ${input({ id: 'email', name: 'email', type: 'email', label: t('auth:setup.email'), value: values.email, autocomplete: 'email', maxlength: 320, invalid: error?.field === 'email' })}
    ${input({ id: 'password', name: 'password', type: 'password', label: t('auth:setup.password'), autocomplete: 'new-password', maxlength: 1024, invalid: error?.field === 'password', hint: newPasswordHint(t) })}
    <button type="submit">${t('auth:setup.submit')}</button>
  </form>
</section>`,
    );
  }

  app.get('/setup', { config: { public: true } }, async (request, reply) => {
    if (await isSetUp(ctx)) return reply.redirect('/sign-in', 303);
    return renderSetup(request, reply, 200, { orgName: '', name: '', email: '' }, null);
  });

  app.post('/setup', { config: { public: true } }, async (request, reply) => {
    if (await isSetUp(ctx)) return reply.redirect('/sign-in', 303);
    const body = request.body;
    const values: SetupValues = {
      orgName: textField(body, 'orgName', 200),
      name: textField(body, 'name', 200),
      email: textField(body, 'email', 320),
    };
    try {
      // Like POST /api/v1/setup: the owner is signed in straight away.
      const { org, token } = await setUpAndSignIn(
        ctx,
        {
          orgName: plainText(body, 'orgName', 200),
          name: plainText(body, 'name', 200),
          email: plainText(body, 'email'),
          password: textField(body, 'password', 1024),
        },
        meta(request),
        browserTokens(ctx, request, reply).deviceId,
      );
      issueSessionCookie(ctx, reply, token, false);
      return reply.redirect(`/orgs/${encodeURIComponent(org.id)}/members?done=welcome`, 303);
    } catch (error) {
      const problem = formError(error, reply);
      if (problem.code === 'already_set_up') return reply.redirect('/sign-in', 303);
      return renderSetup(request, reply, problem.status, values, problem);
    }
  });

  async function renderSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: SignInValues,
    error: FormError | null,
  ) {
    // An app's ui_locales (src/oidc/routes.ts passes it on), kept through the form post.
    const uiLocales = textField(request.method === 'GET' ? request.query : request.body, 'ui_locales', 200);
    const frame = await pageFrame(ctx, request, reply, { org: values.org, uiLocales });
    const t = frame.t;
    const query = request.query;
    const info = error ? null : named(t, query, 'done', SIGN_IN_DONE);
    const earlier = error ? null : named(t, query, 'error', SIGN_IN_ERRORS);
    return frame.send(
      status,
      t('auth:signIn.title'),
      html`<section class="card narrow" aria-labelledby="sign-in-title">
  <h1 id="sign-in-title">${t('auth:signIn.heading')}</h1>
  ${notice('success', info)}${notice('error', earlier)}${notice('error', error ? t.error(error) : null)}
  <form method="post" action="/sign-in">
    ${csrfInput(frame.csrf)}
    ${values.next ? html`<input type="hidden" name="next" value="${values.next}">` : ''}
    ${values.org ? html`<input type="hidden" name="org" value="${values.org}">` : ''}
    ${uiLocales ? html`<input type="hidden" name="ui_locales" value="${uiLocales}">` : ''}
    ${input({ id: 'email', name: 'email', type: 'email', label: t('auth:signIn.email'), value: values.email, autocomplete: 'username webauthn', maxlength: 320, invalid: error !== null && error.status === 401, autofocus: !values.email })}
    ${input({ id: 'password', name: 'password', type: 'password', label: t('auth:signIn.password'), autocomplete: 'current-password', maxlength: 1024, invalid: error !== null && error.status === 401, autofocus: !!values.email })}
    <label class="checkbox"><input type="checkbox" id="rememberMe" name="rememberMe" value="1"${values.rememberMe ? html` checked` : ''} aria-describedby="rememberMe-hint"> ${t('auth:signIn.rememberMe')}</label>
    <p class="hint" id="rememberMe-hint">${t('auth:signIn.rememberMeHint', { count: REMEMBER_DAYS })}</p>
    <button type="submit" class="wide">${t('auth:signIn.submit')}</button>
  </form>
  ${passkeySignInButton(t, values.next || '/profile')}
  <p class="form-foot"><a href="/forgot-password">${t('auth:signIn.forgot')}</a></p>
</section>`,
      [WEBAUTHN_SCRIPT],
    );
  }

  app.get('/sign-in', { config: { public: true } }, async (request, reply) => {
    if (request.session) return reply.redirect('/profile', 303);
    if (!(await isSetUp(ctx))) return reply.redirect('/setup', 303);
    return renderSignIn(
      request,
      reply,
      200,
      {
        email: '',
        rememberMe: false,
        next: safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, ''),
        org: orgField(request.query),
      },
      null,
    );
  });

  app.post('/sign-in', { config: { public: true } }, async (request, reply) => {
    const body = request.body;
    const values: SignInValues = {
      email: textField(body, 'email', 320),
      rememberMe: textField(body, 'rememberMe') === '1',
      next: safeReturnTo(ctx.config, (body as { next?: unknown } | undefined)?.next, ''),
      org: orgField(body),
    };
    try {
      const result = await passwordStep(
        ctx,
        { email: plainText(body, 'email'), password: textField(body, 'password', 1024), rememberMe: values.rememberMe },
        meta(request),
        browserTokens(ctx, request, reply),
      );
      return await continueSignIn(ctx, reply, result, values.next);
    } catch (error) {
      const problem = formError(error, reply);
      return renderSignIn(request, reply, problem.status, values, problem);
    }
  });

  app.post('/sign-out', { config: { public: true } }, async (request, reply) => {
    await signOut(ctx, request.session, meta(request));
    clearCookie(reply, ctx.config, cookieNames(ctx.config).session);
    return reply.redirect('/sign-in?done=signed_out', 303);
  });
}
