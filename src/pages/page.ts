/** Rendering a full page for the signed-in person or the public, with the nav and a CSRF token. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { csrfField } from '../http/csrf.ts';
import { membershipsOf, isManager } from '../orgs/service.ts';
import { html, type Html } from './html.ts';
import { pendingRecovery } from '../recovery/service.ts';
import { layout } from './layout.ts';

export interface PageFrame {
  readonly csrf: string;
  send(status: number, title: string, body: Html, scripts?: readonly string[]): FastifyReply;
}

export async function pageFrame(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): Promise<PageFrame> {
  const csrf = csrfField(ctx, request, reply);
  let nav: { email: string; orgId: string | null; isManager: boolean; csrf: string } | null = null;
  if (request.session && request.session.kind === 'full' && request.session.enrollmentRequired) {
    // Past an org's 2FA deadline only enrolment opens: no org links, but signing out stays possible.
    nav = { email: request.session.user.email, orgId: null, isManager: false, csrf };
  } else if (request.session && request.session.kind === 'full') {
    const memberships = await membershipsOf(ctx, request.session.userId);
    const managed = memberships.find((m) => isManager(m.role));
    nav = { email: request.session.user.email, orgId: (managed ?? memberships[0])?.org.id ?? null, isManager: !!managed, csrf };
  }
  // Every signed-in page of the user shows a pending recovery, with a way to cancel it.
  const recovery = request.session && !request.session.apiKey ? await pendingRecovery(ctx, request.session.userId) : null;
  const banner = recovery
    ? html`<div class="notice notice-error" role="alert"><strong>Someone started recovery of your account.</strong> On ${recovery.completesAt.replace('T', ' ').slice(0, 16)} UTC your two-factor methods will be removed. If this was not you, cancel it and change your password.
<form method="post" action="/recovery/cancel" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger small">Cancel recovery</button></form></div>`
    : html``;
  return {
    csrf,
    send(status, title, body, scripts = []) {
      const page = layout({ title, productName: ctx.config.productName, nav, scripts }, html`${banner}${body}`);
      return reply.status(status).type('text/html; charset=utf-8').send(page.value);
    },
  };
}
