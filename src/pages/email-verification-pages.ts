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

function card(title: string, body: Html): Html {
  return html`<section class="card narrow" aria-labelledby="verify-title"><h1 id="verify-title">${title}</h1>${body}</section>`;
}

export async function emailVerificationPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: string,
    body: (csrf: string) => Html,
  ) {
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(status, title, card(title, body(frame.csrf)));
  }

  const invalid = html`${notice('error', 'This link cannot be used any more: links work once and only for a limited time.')}
<p>Sign in and ask for a new link on your profile.</p><p class="form-foot"><a href="/profile">Go to your profile</a></p>`;

  app.get('/verify-email', { config: { public: true } }, async (request, reply) => {
    const token = linkToken(request.query);
    if (!token) return show(request, reply, 400, 'Verify your email address', () => invalid);
    return show(
      request,
      reply,
      200,
      'Verify your email address',
      (csrf) => html`<p>Press the button to confirm that this email address is yours.</p>
<form method="post" action="/verify-email">${csrfInput(csrf)}<input type="hidden" name="token" value="${token}">
<button type="submit" class="wide">Verify my email address</button></form>`,
    );
  });

  app.post('/verify-email', { config: { public: true } }, async (request, reply) => {
    try {
      const { email } = await confirmEmailVerification(ctx, linkToken(request.body), meta(request));
      return show(
        request,
        reply,
        200,
        'Email address verified',
        () => html`${notice('success', `${email} is verified. Thank you.`)}
<p class="form-foot"><a href="/profile">Go to your profile</a></p>`,
      );
    } catch (error) {
      const problem = formError(error, reply);
      return show(request, reply, problem.status, 'Verify your email address', () =>
        problem.code === 'invalid_token' ? invalid : notice('error', problem.message),
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
        'Verify your email address',
        () =>
          html`${notice('error', problem.message)}<p class="form-foot"><a href="/profile">Back to your profile</a></p>`,
      );
    }
    return reply.redirect('/profile?done=verification_sent', 303);
  });
}
