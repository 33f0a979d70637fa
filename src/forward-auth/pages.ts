/**
 * Forward auth in the browser: the sign-in detour of a protected app (/forward-auth/start, on twofold), the
 * code's redemption on the app's own host (/forward-auth/callback, reached through the proxy's
 * `/.twofold/callback` route), and the org's Protected hosts page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { actingOf } from '../http/request.ts';
import { pageFrame } from '../pages/page.ts';
import { requireManager } from '../orgs/service.ts';
import {
  addProtectedHost,
  listOrgProtectedHosts,
  parseReturnTarget,
  redeemForwardAuthCode,
  removeProtectedHost,
  startForwardAuth,
} from '../flows/forward-auth.ts';
import { normaliseHost, tokenCookieName } from './check.ts';
import { protectedHostsView, refusedView } from './views.ts';
import { continuePage } from '../oidc/interaction-views.ts';
import { requestTranslator } from '../http/locale.ts';
import { pageBrand } from '../branding/store.ts';
import type { LocalizableError, T } from '../i18n/index.ts';

type Body = Record<string, string | string[] | undefined>;

export async function forwardAuthPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/forward-auth/start', { config: { enrolment: true } }, async (request, reply) => {
    const rd = (request.query as { rd?: unknown }).rd;
    const target = await parseReturnTarget(ctx, typeof rd === 'string' ? rd : '');
    const session = request.session;
    if (!session || session.kind !== 'full' || session.apiKey) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    const outcome = await startForwardAuth(ctx, session, target);
    // A page that moves on by itself, not a redirect: when this follows the sign-in form's post, the CSP's
    // form-action 'self' would stop a redirect chain that ends on the app's host.
    if (outcome.kind === 'continue') {
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(
          continuePage(
            requestTranslator(request),
            ctx.config.productName,
            target.rule.host,
            outcome.location,
            false,
            await pageBrand(ctx, target.rule.orgId),
          ).value,
        );
    }
    const frame = await pageFrame(ctx, request, reply, { org: target.rule.orgId });
    const t = frame.t;
    return frame.send(
      403,
      t('apps:shared.noAccess'),
      refusedView(t, outcome.reason, target.rule.host, session.user.email),
    );
  });

  // Reached on the protected host, through its proxy: the cookie set here belongs to that host only.
  app.get('/forward-auth/callback', { config: { public: true } }, async (request, reply) => {
    const forwardedHost = request.headers['x-forwarded-host'];
    const host = normaliseHost(typeof forwardedHost === 'string' ? forwardedHost : undefined);
    const code = (request.query as { code?: unknown }).code;
    if (!host || typeof code !== 'string') throw new AppError('invalid_token');
    const redeemed = await redeemForwardAuthCode(ctx, host, code);
    const https = request.headers['x-forwarded-proto'] === 'https';
    reply.setCookie(tokenCookieName(https), redeemed.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: https,
      maxAge: redeemed.maxAgeSeconds,
    });
    // A path on the same host, never `//other.example`.
    return reply.header('cache-control', 'no-store').redirect(redeemed.returnPath.replace(/^[/\\]+/, '/'), 303);
  });

  const actorOf = (request: FastifyRequest) => actingOf(request);

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: { kind: 'error' | 'success'; text: (t: T) => string } | null,
  ) {
    const actor = actorOf(request);
    const { org } = await requireManager(ctx, (request.params as { orgId: string }).orgId, actor.session.userId);
    const hosts = await listOrgProtectedHosts(ctx, actor, org.id);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('apps:forwardAuth.title', { org: org.name }),
      protectedHostsView(
        t,
        org.id,
        org.name,
        hosts,
        frame.csrf,
        message ? { kind: message.kind, text: message.text(t) } : null,
        ctx.config.publicUrl,
      ),
    );
  }

  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (orgId: string) => Promise<(t: T) => string>,
    status = 200,
  ) {
    const { orgId } = request.params as { orgId: string };
    try {
      return render(request, reply, status, { kind: 'success', text: await work(orgId) });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.code === 'reauthentication_required')
        throw error;
      const problem: LocalizableError = error;
      return render(request, reply, error.status, { kind: 'error', text: (t) => t.error(problem) });
    }
  }

  app.get('/orgs/:orgId/forward-auth', async (request, reply) => render(request, reply, 200, null));
  app.post('/orgs/:orgId/forward-auth', async (request, reply) =>
    act(
      request,
      reply,
      async (orgId) => {
        const body = (request.body ?? {}) as Body;
        const roles = ([] as string[]).concat(body.roles ?? []).slice(0, 4);
        const added = await addProtectedHost(ctx, actorOf(request), orgId, {
          host: typeof body.host === 'string' ? body.host.slice(0, 260) : '',
          requireTwoFactor: body.requireTwoFactor === '1',
          roles,
        });
        return (t: T) => t('apps:forwardAuth.protected', { host: added.host });
      },
      201,
    ),
  );
  app.post('/orgs/:orgId/forward-auth/:hostId/delete', async (request, reply) =>
    act(request, reply, async (orgId) => {
      await removeProtectedHost(ctx, actorOf(request), orgId, (request.params as { hostId: string }).hostId);
      return (t: T) => t('apps:forwardAuth.unprotected');
    }),
  );
}
