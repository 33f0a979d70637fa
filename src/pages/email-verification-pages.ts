/**
 * Email verification in the browser. The emailed link opens a page with a button: only the POST verifies,
 * so a mail scanner that prefetches the link verifies nothing. A signed-in person whose address is not
 * verified asks for a new link from their profile.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { meta, requireSession } from '../http/request.ts';
import { confirmEmailVerification, requestEmailVerification } from '../flows/email-verification.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import { csrfInput, formError, linkToken } from './ui.ts';
import type { MessageKey, T } from '../i18n/index.ts';

function card(title: string, body: Html): Html {
  return html`<section class="card narrow" aria-labelledby="verify-title"><h1 id="verify-title">${title}</h1>${body}</section>`;
}

export async function emailVerificationPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    titleKey: MessageKey,
    body: (t: T, csrf: string) => Html,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    const title = frame.t(titleKey);
    return frame.send(status, title, card(title, body(frame.t, frame.csrf)));
  }

  const invalid = (t: T) => html`${notice('error', t('account:verify.invalid'))}
<p>${t('account:verify.askAgain')}</p><p class="form-foot"><a href="/profile">${t('account:verify.toProfile')}</a></p>`;

  app.get('/verify-email', { config: { public: true } }, async (request, reply) => {
    const token = linkToken(request.query);
    if (!token) return show(request, reply, 400, 'account:verify.title', invalid);
    return show(
      request,
      reply,
      200,
      'account:verify.title',
      (t, csrf) => html`<p>${t('account:verify.intro')}</p>
<form method="post" action="/verify-email">${csrfInput(csrf)}<input type="hidden" name="token" value="${token}">
<button type="submit" class="wide">${t('account:verify.submit')}</button></form>`,
    );
  });

  app.post('/verify-email', { config: { public: true } }, async (request, reply) => {
    try {
      const { email } = await confirmEmailVerification(ctx, linkToken(request.body), meta(request));
      return show(
        request,
        reply,
        200,
        'account:verify.doneTitle',
        (t) => html`${notice('success', t('account:verify.done', { email }))}
<p class="form-foot"><a href="/profile">${t('account:verify.toProfile')}</a></p>`,
      );
    } catch (error) {
      const problem = formError(error, reply);
      return show(request, reply, problem.status, 'account:verify.title', (t) =>
        problem.code === 'invalid_token' ? invalid(t) : notice('error', t.error(problem)),
      );
    }
  });

  // From the profile: a new link for a signed-in person whose address is not verified yet.
  app.post('/profile/email/verification', async (request, reply) => {
    const session = requireSession(request);
    try {
      await requestEmailVerification(ctx, { session, meta: meta(request) });
    } catch (error) {
      const problem = formError(error, reply);
      if (problem.code === 'conflict') return reply.redirect('/profile', 303);
      return show(
        request,
        reply,
        problem.status,
        'account:verify.title',
        (t) =>
          html`${notice('error', t.error(problem))}<p class="form-foot"><a href="/profile">${t('account:verify.backToProfile')}</a></p>`,
      );
    }
    return reply.redirect('/profile?done=verification_sent', 303);
  });
}
