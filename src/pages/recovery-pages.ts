/**
 * Recovery in the browser. Links in emails open a page with a button: the action is a POST, so a mail
 * scanner that prefetches links cannot start or cancel anything.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { getUser } from '../accounts/service.ts';
import { cookieNames } from '../http/cookies.ts';
import { meta, requireSession } from '../http/request.ts';
import { liveChallenge } from '../sessions/challenge.ts';
import { cancelRecoveriesOf, cancelRecoveryByToken, confirmRecovery, startRecovery } from '../recovery/service.ts';
import { html, type Html } from './html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';

function card(title: string, body: Html): Html {
  return html`<section class="card narrow" aria-labelledby="recovery-title"><h1 id="recovery-title">${title}</h1>${body}</section>`;
}

export async function recoveryPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function show(request: FastifyRequest, reply: FastifyReply, status: number, title: string, body: Html) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(status, title, card(title, body));
  }

  async function form(request: FastifyRequest, reply: FastifyReply, action: string, fields: Record<string, string>, button: string): Promise<Html> {
    const frame = await pageFrame(ctx, request, reply);
    return html`<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${frame.csrf}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit">${button}</button></form>`;
  }

  app.get('/sign-in/recovery', async (request, reply) => {
    try {
      await liveChallenge(ctx, request.cookies[cookieNames(ctx.config).challenge]);
    } catch {
      return reply.redirect('/sign-in?error=challenge_expired', 303);
    }
    const hours = ctx.config.recoveryDelayHours;
    return show(request, reply, 200, "Can't access your device?", html`<p>If you lost your phone, your authenticator app and your backup codes, you can recover your account by email.</p>
<p>For your security this takes <strong>${hours} hours</strong>: we email you a link, and once you open it, your two-factor methods are removed ${hours} hours later, at your next sign-in. We tell your email address at once so that the real owner can cancel it. If you still have a backup code, <a href="/sign-in/challenge?method=backup_code">use it instead</a>.</p>
${await form(request, reply, '/sign-in/recovery', {}, 'Email me a recovery link')}
<p><a href="/sign-in/challenge">Back</a></p>`);
  });

  app.post('/sign-in/recovery', async (request, reply) => {
    let user;
    try {
      const challenge = await liveChallenge(ctx, request.cookies[cookieNames(ctx.config).challenge]);
      user = await getUser(ctx, challenge.userId);
    } catch {
      return reply.redirect('/sign-in?error=challenge_expired', 303);
    }
    if (!user) return reply.redirect('/sign-in', 303);
    try {
      const result = await startRecovery(ctx, user, meta(request));
      if (result.status === 'contact_admin') {
        return show(request, reply, 200, 'Ask your administrator', html`<p>${result.orgs.join(', ')} handles lost two-factor devices itself. Contact your administrator: they can reset your two-factor authentication after checking it is you. We have let them know you asked.</p>`);
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') return show(request, reply, 429, "Can't access your device?", notice('error', 'Too many recovery requests. Try again later.'));
      throw error;
    }
    return show(request, reply, 200, 'Check your email', html`<p>We sent a recovery link to your email address. It works once, for one hour.</p>`);
  });

  app.get('/recovery/confirm', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    return show(request, reply, 200, 'Start account recovery', html`<p>Starting recovery removes your two-factor methods after ${ctx.config.recoveryDelayHours} hours, at your next sign-in with your password. We will email you a way to cancel it.</p>
${await form(request, reply, '/recovery/confirm', { token }, 'Start recovery')}`);
  });

  app.post('/recovery/confirm', async (request, reply) => {
    try {
      const { completesAt } = await confirmRecovery(ctx, String((request.body as { token?: string }).token ?? '').slice(0, 200), meta(request));
      return show(request, reply, 200, 'Recovery started', html`<p>Your account can be recovered from <strong>${completesAt.replace('T', ' ').slice(0, 16)} UTC</strong>. Sign in with your password after that time and set up two-factor authentication again.</p>`);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_token') return show(request, reply, 400, 'Start account recovery', notice('error', error.message));
      throw error;
    }
  });

  app.get('/recovery/cancel', async (request, reply) => {
    const token = String((request.query as { token?: string }).token ?? '').slice(0, 200);
    return show(request, reply, 200, 'Cancel account recovery', html`<p>If you did not start this recovery, cancel it and change your password: someone knows it.</p>
${await form(request, reply, '/recovery/cancel', { token }, 'Cancel the recovery')}`);
  });

  app.post('/recovery/cancel', async (request, reply) => {
    const token = String((request.body as { token?: string }).token ?? '');
    try {
      if (token) await cancelRecoveryByToken(ctx, token.slice(0, 200), meta(request));
      else await cancelRecoveriesOf(ctx, requireSession(request).userId, 'signed_in_session', meta(request));
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_token') return show(request, reply, 400, 'Cancel account recovery', notice('error', 'This recovery was already cancelled, completed or replaced.'));
      throw error;
    }
    return show(request, reply, 200, 'Recovery cancelled', html`<p>The recovery was cancelled: nothing changes on your account. If you did not start it, change your password now.</p>`);
  });
}
