/**
 * "Confirm it's you": the re-authentication page (password, and a second factor when 2FA is on), and the one
 * place where pages answer a flow's reauthentication_required. A page asked for (GET) sends the person here
 * and back; a form that was posted gets this form in its place (403) carrying the posted action sealed
 * (./resume.ts), and once the person has confirmed, that action runs again and completes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { issueSessionCookie, meta, requireSession } from '../http/request.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { proofFrom } from '../factors/index.ts';
import { factorOverview } from '../factors/overview.ts';
import { WEBAUTHN_SCRIPT } from '../factors/passkey/views.ts';
import { reauthenticate } from '../flows/reauthenticate.ts';
import { html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { factorCodeFields, phoneProofFor } from './security-views.ts';
import { resumePendingAction, sealPendingAction } from './resume.ts';
import type { LocalizableError, MessageKey } from '../i18n/index.ts';

const CONFIRM_PATH = '/profile/security/confirm';
const SECURITY_PATH = '/profile/security';

type Body = Record<string, string | undefined>;

/** What the confirmation is for, by the address of the action (or of the page) that asked for it. */
const ACTIONS: ReadonlyArray<readonly [RegExp, MessageKey]> = [
  [/^\/profile\/security\/totp/, 'auth:confirm.actions.totp'],
  [/^\/profile\/security\/passkey/, 'auth:confirm.actions.passkey'],
  [/^\/profile\/security\/phone/, 'auth:confirm.actions.phone'],
  [/^\/profile\/security\/factors\/[^/]+\/remove/, 'auth:confirm.actions.removeFactor'],
  [/^\/profile\/security\/backup-codes/, 'auth:confirm.actions.backupCodes'],
  [/^\/profile\/password/, 'auth:confirm.actions.password'],
  [/^\/profile\/api-keys/, 'auth:confirm.actions.apiKeys'],
  [/^\/orgs\/[^/]+\/security/, 'auth:confirm.actions.orgSecurity'],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/reset/, 'auth:confirm.actions.memberReset'],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/suspension/, 'auth:confirm.actions.memberSuspension'],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/remove/, 'auth:confirm.actions.memberRemove'],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/role/, 'auth:confirm.actions.memberRole'],
  [/^\/orgs\/[^/]+\/api-keys/, 'auth:confirm.actions.orgApiKeys'],
  [/^\/orgs\/[^/]+\/apps/, 'auth:confirm.actions.orgApps'],
  [/^\/orgs\/[^/]+\/forward-auth/, 'auth:confirm.actions.forwardAuth'],
  [/^\/orgs\/[^/]+\/import/, 'auth:confirm.actions.import'],
  [/^\/orgs\/[^/]+\/branding/, 'auth:confirm.actions.branding'],
];

function actionOf(path: string): MessageKey {
  return ACTIONS.find(([pattern]) => pattern.test(path))?.[1] ?? 'auth:confirm.actions.other';
}

/** Where "Cancel" leads: the page itself when it is a list, else the list it belongs to. */
function cancelPath(next: string): string {
  const path = next.split('?')[0] ?? '';
  if (
    /^\/(profile(\/security|\/api-keys)?|orgs\/[^/]+\/(members|security|settings|apps|api-keys|forward-auth|branding))$/.test(
      path,
    )
  )
    return path;
  const org = /^\/orgs\/([^/]+)\//.exec(path);
  return org ? `/orgs/${org[1]}/members` : SECURITY_PATH;
}

/** An error the page shows on its own form (a 4xx other than the request to confirm first). */
export function shownOnPage(error: unknown): error is AppError {
  return error instanceof AppError && error.status < 500 && error.code !== 'reauthentication_required';
}

/** The re-authentication form, posting back to `next` once confirmed. */
async function confirmForm(
  ctx: Ctx,
  request: FastifyRequest,
  reply: FastifyReply,
  next: string,
  status: number,
  error: LocalizableError | null,
  resume: string | null = null,
  action: string = next,
) {
  const session = requireSession(request, { enrolment: true });
  const frame = await pageFrame(ctx, request, reply);
  const data = await factorOverview(ctx, session.userId);
  const t = frame.t;
  const what = t(actionOf(action.split('?')[0] ?? ''));
  return frame.send(
    status,
    t('auth:confirm.title'),
    html`<section class="card narrow" aria-labelledby="reauth-title">
  <h1 id="reauth-title">${t('auth:confirm.heading')}</h1>
  <p>${t.html(data.twoFactorEnabled ? 'auth:confirm.introTwoFactor' : 'auth:confirm.intro', { action: what })}</p>
  ${notice('error', error ? t.error(error) : null)}
  ${phoneProofFor(t, data, frame.csrf, next, (request.query as { sent?: string }).sent ?? null)}
  <form method="post" action="/profile/security/reauthenticate">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <input type="hidden" name="next" value="${next}">
    ${resume ? html`<input type="hidden" name="resume" value="${resume}">` : ''}
    <input type="hidden" name="action" value="${action}">
    <label for="password">${t('auth:confirm.password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    ${data.twoFactorEnabled ? factorCodeFields(t, data) : ''}
    <p class="row-actions"><button type="submit">${t('auth:confirm.submit')}</button>
    <a class="button secondary" href="${cancelPath(next)}">${t('auth:confirm.cancel')}</a></p>
  </form>
  <p class="hint"><a href="/forgot-password">${t('auth:confirm.forgot')}</a></p>
</section>`,
    [WEBAUTHN_SCRIPT],
  );
}

/**
 * A page's answer to reauthentication_required. A form post comes back to its own page when it has one
 * (the same address answers GET), else to the Security page.
 */
export async function askToConfirm(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (request.method === 'GET') return reply.redirect(`${CONFIRM_PATH}?next=${encodeURIComponent(request.url)}`, 303);
  const url = request.routeOptions.url;
  const page = url && request.server.hasRoute({ method: 'GET', url }) ? request.url : SECURITY_PATH;
  const session = requireSession(request, { enrolment: true });
  const resume = sealPendingAction(ctx, request, session.id);
  const next = safeReturnTo(ctx.config, page, SECURITY_PATH);
  return confirmForm(ctx, request, reply, next, 403, null, resume, request.url);
}

export async function confirmPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  // Other pages send people here when an action needs a fresh re-authentication.
  app.get(CONFIRM_PATH, async (request, reply) =>
    confirmForm(
      ctx,
      request,
      reply,
      safeReturnTo(ctx.config, (request.query as { next?: unknown }).next, SECURITY_PATH),
      200,
      null,
    ),
  );

  app.post('/profile/security/reauthenticate', async (request, reply) => {
    const session = requireSession(request, { enrolment: true });
    const body = request.body as Body;
    const next = safeReturnTo(ctx.config, body.next, SECURITY_PATH);
    let token: string;
    try {
      const proof = body.code ? proofFrom(body.method ?? 'totp', body.code) : null;
      ({ token } = await reauthenticate(
        ctx,
        { session, meta: meta(request) },
        { password: body.password ?? '', proof },
      ));
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
        const resume = typeof body.resume === 'string' ? body.resume : null;
        const action = safeReturnTo(ctx.config, body.action, next);
        return confirmForm(ctx, request, reply, next, error.status, error, resume, action);
      }
      throw error;
    }
    issueSessionCookie(ctx, reply, token, session.remember);
    // The action that asked for this confirmation completes now, with what the person had entered.
    if (await resumePendingAction(ctx, request, reply, body.resume, session.id, token)) return reply;
    return reply.redirect(next === SECURITY_PATH ? `${SECURITY_PATH}?done=reauthenticated` : next, 303);
  });
}
