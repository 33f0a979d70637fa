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

const CONFIRM_PATH = '/profile/security/confirm';
const SECURITY_PATH = '/profile/security';

type Body = Record<string, string | undefined>;

/** What the confirmation is for, by the address of the action (or of the page) that asked for it. */
const ACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/profile\/security\/totp/, 'set up an authenticator app'],
  [/^\/profile\/security\/passkey/, 'add a passkey'],
  [/^\/profile\/security\/phone/, 'add or change a phone number'],
  [/^\/profile\/security\/factors\/[^/]+\/remove/, 'remove a sign-in method'],
  [/^\/profile\/security\/backup-codes/, 'generate new backup codes'],
  [/^\/profile\/password/, 'change your password'],
  [/^\/profile\/api-keys/, 'manage your API keys'],
  [/^\/orgs\/[^/]+\/security/, "change your organization's security policy"],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/reset/, "reset a member's two-factor authentication"],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/suspension/, "suspend or restore a member's account"],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/remove/, 'remove a member'],
  [/^\/orgs\/[^/]+\/members\/[^/]+\/role/, "change a member's role"],
  [/^\/orgs\/[^/]+\/api-keys/, "manage your organization's API keys"],
  [/^\/orgs\/[^/]+\/apps/, "manage your organization's apps"],
  [/^\/orgs\/[^/]+\/forward-auth/, 'manage protected hosts'],
  [/^\/orgs\/[^/]+\/import/, 'import members'],
  [/^\/orgs\/[^/]+\/branding/, "change your organization's branding"],
];

function actionOf(path: string): string {
  return ACTIONS.find(([pattern]) => pattern.test(path))?.[1] ?? 'change security settings';
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
  error: string | null,
  resume: string | null = null,
  action: string = next,
) {
  const session = requireSession(request, { enrolment: true });
  const frame = await pageFrame(ctx, request, reply);
  const data = await factorOverview(ctx, session.userId);
  return frame.send(
    status,
    'Confirm it is you',
    html`<section class="card narrow" aria-labelledby="reauth-title">
  <h1 id="reauth-title">Confirm it's you</h1>
  <p>For your security, enter your password${data.twoFactorEnabled ? ' and use your second factor' : ''} to <strong>${actionOf(action.split('?')[0] ?? '')}</strong>.</p>
  ${notice('error', error)}
  ${phoneProofFor(frame.t, data, frame.csrf, next, (request.query as { sent?: string }).sent ?? null)}
  <form method="post" action="/profile/security/reauthenticate">
    <input type="hidden" name="_csrf" value="${frame.csrf}">
    <input type="hidden" name="next" value="${next}">
    ${resume ? html`<input type="hidden" name="resume" value="${resume}">` : ''}
    <input type="hidden" name="action" value="${action}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    ${data.twoFactorEnabled ? factorCodeFields(frame.t, data) : ''}
    <p class="row-actions"><button type="submit">Confirm</button>
    <a class="button secondary" href="${cancelPath(next)}">Cancel</a></p>
  </form>
  <p class="hint"><a href="/forgot-password">Forgot password?</a></p>
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
        return confirmForm(ctx, request, reply, next, error.status, error.message, resume, action);
      }
      throw error;
    }
    issueSessionCookie(ctx, reply, token, session.remember);
    // The action that asked for this confirmation completes now, with what the person had entered.
    if (await resumePendingAction(ctx, request, reply, body.resume, session.id, token)) return reply;
    return reply.redirect(next === SECURITY_PATH ? `${SECURITY_PATH}?done=reauthenticated` : next, 303);
  });
}
