/** Hosted pages: server-rendered, working without JavaScript. Each area lives in its own module. */
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../errors.ts';
import { html } from '../core/html.ts';
import { layout, notice } from './layout.ts';
import { requestTranslator, LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECONDS } from '../http/locale.ts';
import { isLocale } from '../i18n/index.ts';
import { setCookie } from '../http/cookies.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { textField } from './ui.ts';
import { isSetUp, membershipsOf } from '../orgs/service.ts';
import { pageBrand, type PageBrand } from '../branding/store.ts';
import type { Ctx } from '../context.ts';
import { authPages } from './auth-pages.ts';
import { accountPages } from './account-pages.ts';
import { profilePages } from './profile-pages.ts';
import { orgPages } from './org-pages.ts';
import { devPages } from './dev-pages.ts';
import { challengePages } from './challenge-pages.ts';
import { securityPages } from './security-pages.ts';
import { askToConfirm, confirmPages } from './confirm-pages.ts';
import { totpPages } from '../factors/totp/pages.ts';
import { passkeyPages } from '../factors/passkey/pages.ts';
import { phonePages } from '../factors/phone/pages.ts';
import { emailPages } from '../factors/email/pages.ts';
import { orgSecurityPages } from './org-security-pages.ts';
import { exemptionPages } from './exemption-pages.ts';
import { checkupPages } from './checkup-pages.ts';
import { suspensionPages } from './suspension-pages.ts';
import { apiKeyPages } from './api-key-pages.ts';
import { recoveryPages } from './recovery-pages.ts';
import { importPages } from './import-pages.ts';
import { emailVerificationPages } from './email-verification-pages.ts';

const STATIC_DIR = new URL('./static/', import.meta.url);
const STATIC_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * The org whose look an error page wears: `?org=` (as on sign-in), else the signed-in member's org. Never
 * fails the error page: when the database is what failed, the product's own look.
 */
async function errorPageBrand(ctx: Ctx | undefined, request: FastifyRequest): Promise<PageBrand | null> {
  if (!ctx) return null;
  try {
    const asked = textField(request.query, 'org', 64);
    const session = request.session && !request.session.apiKey ? request.session : null;
    const orgId = /^[A-Za-z0-9_-]+$/.test(asked)
      ? asked
      : session
        ? ((session.requirement?.memberships ?? (await membershipsOf(ctx, session.userId)))[0]?.org.id ?? null)
        : null;
    return orgId ? await pageBrand(ctx, orgId) : null;
  } catch {
    return null;
  }
}

export async function renderErrorPage(request: FastifyRequest, reply: FastifyReply, error: AppError): Promise<unknown> {
  // Past an org's 2FA deadline, every page leads to enrolment.
  if (error.code === 'two_factor_enrollment_required') return reply.redirect('/profile/security', 303);
  // An action that needs a fresh re-authentication: "Confirm it's you" first.
  if (error.code === 'reauthentication_required' && request.session)
    return askToConfirm((request.server as FastifyInstance).ctx, request, reply);
  if (error.code === 'unauthenticated' && request.method === 'GET')
    return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  const ctx = (request.server as FastifyInstance).ctx as Ctx | undefined;
  const productName = ctx?.config.productName ?? 'twofold';
  const t = requestTranslator(request);
  const brand = error.status < 500 ? await errorPageBrand(ctx, request) : null;
  const notFound = error.status === 404;
  const page = layout(
    {
      title: t(notFound ? 'common:errorPage.notFoundTitle' : 'common:errorPage.failedTitle'),
      t,
      path: request.url,
      productName,
      brand,
    },
    html`<section class="card narrow">
  <h1>${t(notFound ? 'common:errorPage.notFoundHeading' : 'common:errorPage.failedHeading')}</h1>
  ${notice('error', t.error(error))}
  <p class="hint">${t.html('common:errorPage.code', { code: html`<code class="error-code">${error.code}</code>` })}</p>
  <p><a href="/">${t('common:errorPage.home')}</a></p>
</section>`,
  );
  return reply.type('text/html; charset=utf-8').send(page.value);
}

export async function pageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/static/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const match = /^([a-z0-9-]+)\.(css|js|svg)$/.exec(file);
    if (!match) return reply.callNotFound();
    const url = new URL(file, STATIC_DIR);
    if (!fs.existsSync(url)) return reply.callNotFound();
    reply.header('Cache-Control', 'public, max-age=300');
    return reply.type(STATIC_TYPES[match[2]!]!).send(fs.readFileSync(url));
  });

  // The language links at the foot of public pages: remembered on this browser, then back to the page.
  app.get('/language/:locale', { config: { public: true } }, async (request, reply) => {
    const { locale } = request.params as { locale: string };
    if (!isLocale(locale)) return reply.callNotFound();
    setCookie(reply, app.ctx.config, LANGUAGE_COOKIE, locale, LANGUAGE_COOKIE_SECONDS);
    return reply.redirect(safeReturnTo(app.ctx.config, textField(request.query, 'next', 2000), '/'), 303);
  });

  app.get('/', async (request, reply) => {
    if (!(await isSetUp(app.ctx))) return reply.redirect('/setup');
    return reply.redirect(request.session ? '/profile' : '/sign-in');
  });

  await app.register(authPages);
  await app.register(accountPages);
  await app.register(profilePages);
  await app.register(orgPages);
  await app.register(devPages);
  await app.register(challengePages);
  await app.register(securityPages);
  await app.register(confirmPages);
  await app.register(totpPages);
  await app.register(passkeyPages);
  await app.register(phonePages);
  await app.register(emailPages);
  await app.register(orgSecurityPages);
  await app.register(exemptionPages);
  await app.register(checkupPages);
  await app.register(suspensionPages);
  await app.register(apiKeyPages);
  await app.register(recoveryPages);
  await app.register(importPages);
  await app.register(emailVerificationPages);
}
