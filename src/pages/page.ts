/** Rendering a full page for the signed-in person or the public, with the nav and a CSRF token. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { csrfField } from '../http/csrf.ts';
import { membershipsOf, isManager } from '../orgs/service.ts';
import { html, type Html } from '../core/html.ts';
import { recoveryNotice } from '../recovery/guard.ts';
import { layout } from './layout.ts';
import { pageBrand } from '../branding/store.ts';
import { recoveryBanner } from './recovery-views.ts';
import { requestTranslator } from '../http/locale.ts';
import type { T } from '../i18n/index.ts';

export interface PageFrame {
  readonly csrf: string;
  /** The reader's language and time zone (src/http/locale.ts). */
  readonly t: T;
  send(status: number, title: string, body: Html, scripts?: readonly string[]): FastifyReply;
}

/**
 * `org`: the org the page is for when the page knows it (an app's org, an invitation's, `?org=` on sign-in);
 * otherwise the signed-in member's org. Its branding shows when it set any; else the product's own look.
 */
export async function pageFrame(
  ctx: Ctx,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { readonly org?: string | null; readonly uiLocales?: string | null } = {},
): Promise<PageFrame> {
  const t = requestTranslator(request, { uiLocales: options.uiLocales });
  const csrf = csrfField(ctx, request, reply);
  let nav: { email: string; orgId: string | null; isManager: boolean; csrf: string } | null = null;
  if (request.session && request.session.kind === 'full' && request.session.enrollmentRequired) {
    // Past an org's 2FA deadline only enrolment opens: no org links, but signing out stays possible.
    nav = { email: request.session.user.email, orgId: null, isManager: false, csrf };
  } else if (request.session && request.session.kind === 'full') {
    const memberships = await membershipsOf(ctx, request.session.userId);
    const managed = memberships.find((m) => isManager(m.role));
    nav = {
      email: request.session.user.email,
      orgId: (managed ?? memberships[0])?.org.id ?? null,
      isManager: !!managed,
      csrf,
    };
  }
  // Every signed-in page of the user shows a pending recovery, with a way to cancel it, or a recent completion.
  const recovery =
    request.session && !request.session.apiKey
      ? await recoveryNotice(ctx, request.session.userId, request.session.recentRecoveries)
      : null;
  const banner = recoveryBanner(t, recovery, csrf);
  const brandOrg = options.org || nav?.orgId || null;
  const brand = brandOrg ? await pageBrand(ctx, brandOrg) : null;
  return {
    csrf,
    t,
    send(status, title, body, scripts = []) {
      const page = layout(
        { title, t, path: request.url, productName: ctx.config.productName, nav, scripts, brand },
        html`${banner}${body}`,
      );
      return reply.status(status).type('text/html; charset=utf-8').send(page.value);
    },
  };
}
