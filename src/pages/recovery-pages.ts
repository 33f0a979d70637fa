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

function refusalText(error: AppError): string {
  if (error.code !== 'rate_limited' || error.retryAfterSeconds === null) return error.message;
  const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
  return `${error.message.replace(/ Try again later\.$/, '')} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export async function recoveryPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const hours = (): number => ctx.config.recoveryDelayHours;
  const inDelay = (): string => addSeconds(ctx.clock(), hours() * 3600).toISOString();

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: Html) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(status, title, card(title, body));
  }

  async function form(
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    fields: Record<string, string>,
    button: string,
  ): Promise<Html> {
    const frame = await pageFrame(ctx, request, reply);
    return html`<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${frame.csrf}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit">${button}</button></form>`;
  }

  function refused(request: FastifyRequest, reply: FastifyReply, title: string, error: AppError) {
    return show(
      request,
      reply,
      error.status,
      title,
      html`${notice('error', refusalText(error))}
${error.code === 'recovery_unavailable' ? html`<p>If you still have a backup code, <a href="/sign-in/challenge?method=backup_code">use it instead</a>.</p>` : ''}`,
    );
  }

  app.get('/sign-in/recovery', async (request, reply) => {
    let userId: string;
    try {
      userId = (await liveChallenge(ctx, request.cookies[cookieNames(ctx.config).challenge])).userId;
    } catch {
      return reply.redirect('/sign-in?error=challenge_expired', 303);
    }
    const title = "Can't access your device?";
    const blockedUntil = await recoveryBlockedUntil(ctx, userId);
    if (blockedUntil) {
      return show(
        request,
        reply,
        200,
        title,
        html`${notice('error', recoveryUnavailable(blockedUntil).message)}
<p>If you still have a backup code, <a href="/sign-in/challenge?method=backup_code">use it instead</a>.</p>
<p><a href="/sign-in/challenge">Back</a></p>`,
      );
    }
    const pending = await pendingRecovery(ctx, userId);
    return show(
      request,
      reply,
      200,
      title,
      html`${pending ? pendingNote(pending) : ''}${requestIntro(hours(), inDelay())}
${await form(request, reply, '/sign-in/recovery', {}, 'Email me a recovery link')}
<p><a href="/sign-in/challenge">Back</a></p>`,
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
          'Ask your administrator',
          html`<p>${result.orgs.join(', ')} handles lost two-factor devices itself. Contact your administrator: they can reset your two-factor authentication after checking it is you. We have let them know you asked.</p>`,
        );
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'challenge_expired')
        return reply.redirect('/sign-in?error=challenge_expired', 303);
      const shown = shownError(error, reply);
      if (!shown) throw error;
      if (shown.code === 'rate_limited')
        return show(
          request,
          reply,
          429,
          "Can't access your device?",
          notice('error', 'Too many recovery requests. Try again later.'),
        );
      return refused(request, reply, "Can't access your device?", shown);
    }
    return show(request, reply, 200, 'Check your email', linkSent(hours()));
  });

  app.get('/recovery/confirm', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    return show(
      request,
      reply,
      200,
      'Start account recovery',
      html`${confirmIntro(hours(), inDelay())}
${await form(request, reply, '/recovery/confirm', { token }, 'Start recovery')}`,
    );
  });

  app.post('/recovery/confirm', async (request, reply) => {
    try {
      const { completesAt } = await confirmRecovery(
        ctx,
        String((request.body as { token?: string }).token ?? '').slice(0, 200),
        meta(request),
      );
      return show(request, reply, 200, 'Recovery started', startedView(completesAt, hours()));
    } catch (error) {
      const shown = shownError(error, reply);
      if (!shown) throw error;
      return refused(request, reply, 'Start account recovery', shown);
    }
  });

  app.get('/recovery/cancel', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    return show(
      request,
      reply,
      200,
      'Cancel account recovery',
      html`<p>If you did not start this recovery, cancel it and change your password: someone knows it.</p>
${await form(request, reply, '/recovery/cancel', { token }, 'Cancel the recovery')}`,
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
        return show(
          request,
          reply,
          400,
          'Cancel account recovery',
          notice('error', 'This recovery was already cancelled, completed or replaced.'),
        );
      return refused(request, reply, 'Cancel account recovery', shown);
    }
    return show(
      request,
      reply,
      200,
      'Recovery cancelled',
      html`<p>The recovery was cancelled: nothing changes on your account. If you did not start it, change your password now.</p>`,
    );
  });
}
