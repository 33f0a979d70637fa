/**
 * Recovery in the browser. Links in emails open a page with a button: the action is a POST, so a mail
 * scanner that prefetches links cannot start or cancel anything. Every step goes through the recovery
 * flows (src/flows/recovery.ts), which throttle the links per client IP and refuses recovery within
 * a week of a password reset by email; these pages show those refusals with their status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { addSeconds } from '../core/clock.ts';
import { cookieNames } from '../http/cookies.ts';
import { meta, requireSession } from '../http/request.ts';
import { liveChallenge } from '../sessions/challenge.ts';
import { cancelOwnRecovery, cancelRecoveryByToken, confirmRecovery, startRecovery } from '../flows/recovery.ts';
import { pendingRecovery, recoveryBlockedUntil, recoveryUnavailable } from '../recovery/guard.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { confirmIntro, linkSent, pendingNote, requestIntro, startedView } from './recovery-views.ts';
import type { MessageKey, T } from '../i18n/index.ts';

function card(title: string, body: Html): Html {
  return html`<section class="card narrow" aria-labelledby="recovery-title"><h1 id="recovery-title">${title}</h1>${body}</section>`;
}

/** The refusals these pages show in place (with their status); anything else goes to the error page. */
const SHOWN = new Set(['invalid_token', 'rate_limited', 'recovery_unavailable']);

function shownError(error: unknown, reply: FastifyReply): AppError | null {
  if (!(error instanceof AppError) || !SHOWN.has(error.code)) return null;
  if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
  return error;
}

/** A refusal in the reader's language; over a rate limit, "Try again later." becomes how many minutes. */
function refusalText(t: T, error: AppError): string {
  const text = t.error(error);
  if (error.code !== 'rate_limited' || error.retryAfterSeconds === null) return text;
  const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
  const later = ` ${t('auth:recovery.tryAgainLater')}`;
  const message = text.endsWith(later) ? text.slice(0, -later.length) : text;
  return t('auth:recovery.tryAgainIn', { message, count: minutes });
}

export async function recoveryPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const hours = (): number => ctx.config.recoveryDelayHours;
  const inDelay = (): string => addSeconds(ctx.clock(), hours() * 3600).toISOString();

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    titleKey: MessageKey,
    body: (t: T) => Html,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const title = frame.t(titleKey);
    return frame.send(status, title, card(title, body(frame.t)));
  }

  async function form(
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    fields: Record<string, string>,
    button: MessageKey,
  ): Promise<Html> {
    const frame = await pageFrame(ctx, request, reply);
    return html`<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${frame.csrf}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit">${frame.t(button)}</button></form>`;
  }

  function refused(request: FastifyRequest, reply: FastifyReply, titleKey: MessageKey, error: AppError) {
    return show(
      request,
      reply,
      error.status,
      titleKey,
      (t) => html`${notice('error', refusalText(t, error))}
${error.code === 'recovery_unavailable' ? html`<p>${t.html('auth:recovery.useBackupCode')}</p>` : ''}`,
    );
  }

  app.get('/sign-in/recovery', async (request, reply) => {
    let userId: string;
    try {
      userId = (await liveChallenge(ctx, request.cookies[cookieNames(ctx.config).challenge])).userId;
    } catch {
      return reply.redirect('/sign-in?error=challenge_expired', 303);
    }
    const title = 'auth:recovery.lostDevice';
    const blockedUntil = await recoveryBlockedUntil(ctx, userId);
    if (blockedUntil) {
      return show(
        request,
        reply,
        200,
        title,
        (t) => html`${notice('error', t.error(recoveryUnavailable(blockedUntil)))}
<p>${t.html('auth:recovery.useBackupCode')}</p>
<p><a href="/sign-in/challenge">${t('auth:recovery.back')}</a></p>`,
      );
    }
    const pending = await pendingRecovery(ctx, userId);
    const button = await form(request, reply, '/sign-in/recovery', {}, 'auth:recovery.emailMe');
    return show(
      request,
      reply,
      200,
      title,
      (t) => html`${pending ? pendingNote(t, pending) : ''}${requestIntro(t, hours(), inDelay())}
${button}
<p><a href="/sign-in/challenge">${t('auth:recovery.back')}</a></p>`,
    );
  });

  app.post('/sign-in/recovery', async (request, reply) => {
    try {
      const result = await startRecovery(ctx, request.cookies[cookieNames(ctx.config).challenge], meta(request));
      if (result.status === 'contact_admin') {
        return show(
          request,
          reply,
          200,
          'auth:recovery.askAdminTitle',
          (t) => html`<p>${t('auth:recovery.askAdmin', { orgs: result.orgs.join(', ') })}</p>`,
        );
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'challenge_expired')
        return reply.redirect('/sign-in?error=challenge_expired', 303);
      const shown = shownError(error, reply);
      if (!shown) throw error;
      if (shown.code === 'rate_limited')
        return show(request, reply, 429, 'auth:recovery.lostDevice', (t) =>
          notice('error', t('auth:recovery.tooManyRequests')),
        );
      return refused(request, reply, 'auth:recovery.lostDevice', shown);
    }
    return show(request, reply, 200, 'auth:recovery.checkEmailTitle', (t) => linkSent(t, hours()));
  });

  app.get('/recovery/confirm', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    const button = await form(request, reply, '/recovery/confirm', { token }, 'auth:recovery.start');
    return show(
      request,
      reply,
      200,
      'auth:recovery.startTitle',
      (t) => html`${confirmIntro(t, hours(), inDelay())}
${button}`,
    );
  });

  app.post('/recovery/confirm', async (request, reply) => {
    try {
      const { completesAt } = await confirmRecovery(
        ctx,
        String((request.body as { token?: string }).token ?? '').slice(0, 200),
        meta(request),
      );
      return show(request, reply, 200, 'auth:recovery.startedTitle', (t) => startedView(t, completesAt, hours()));
    } catch (error) {
      const shown = shownError(error, reply);
      if (!shown) throw error;
      return refused(request, reply, 'auth:recovery.startTitle', shown);
    }
  });

  app.get('/recovery/cancel', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    const button = await form(request, reply, '/recovery/cancel', { token }, 'auth:recovery.cancel');
    return show(
      request,
      reply,
      200,
      'auth:recovery.cancelTitle',
      (t) => html`<p>${t('auth:recovery.cancelIntro')}</p>
${button}`,
    );
  });

  app.post('/recovery/cancel', async (request, reply) => {
    const token = String((request.body as { token?: string }).token ?? '');
    try {
      if (token) await cancelRecoveryByToken(ctx, token.slice(0, 200), meta(request));
      else await cancelOwnRecovery(ctx, { session: requireSession(request), meta: meta(request) });
    } catch (error) {
      const shown = shownError(error, reply);
      if (!shown) throw error;
      if (shown.code === 'invalid_token')
        return show(request, reply, 400, 'auth:recovery.cancelTitle', (t) =>
          notice('error', t('auth:recovery.alreadyOver')),
        );
      return refused(request, reply, 'auth:recovery.cancelTitle', shown);
    }
    return show(
      request,
      reply,
      200,
      'auth:recovery.cancelledTitle',
      (t) => html`<p>${t('auth:recovery.cancelled')}</p>`,
    );
  });
}
