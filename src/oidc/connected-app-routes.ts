/**
 * "Apps you signed in to": the apps a person allowed (their consent grants), with what each may see, and a
 * way to take the access back — which deletes the grant and every code and token issued under it, so the
 * app must ask again (refresh tokens stop working at once).
 */
import type { FastifyInstance } from 'fastify';
import { meta, requireSession } from '../http/request.ts';
import { revokeAppAccess } from '../flows/oidc-consent.ts';
import { listConnectedApps } from './grants.ts';
import { params } from '../http/schema.ts';
import { html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { pageFrame } from '../pages/page.ts';
import { csrfInput } from '../pages/ui.ts';
import type { MessageKey } from '../i18n/index.ts';

const SCOPE_NAMES: Readonly<Record<string, MessageKey>> = {
  openid: 'apps:connected.scopes.openid',
  email: 'apps:connected.scopes.email',
  profile: 'apps:connected.scopes.profile',
  org: 'apps:connected.scopes.org',
  offline_access: 'apps:connected.scopes.offline_access',
};

export async function connectedAppRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/api/v1/me/apps',
    { schema: { summary: 'Apps I allowed to sign me in (OpenID Connect), with what they may see' } },
    async (request) => {
      const session = requireSession(request);
      return { apps: await listConnectedApps(ctx, session.userId) };
    },
  );

  app.delete(
    '/api/v1/me/apps/:clientId',
    {
      schema: {
        summary: "Remove an app's access: its tokens stop working and it must ask again",
        params: params(['clientId']),
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      await revokeAppAccess(ctx, { session, meta: meta(request) }, (request.params as { clientId: string }).clientId);
      return reply.status(204).send();
    },
  );

  app.get('/profile/apps', async (request, reply) => {
    const session = requireSession(request);
    const apps = await listConnectedApps(ctx, session.userId);
    const done = (request.query as { removed?: string }).removed;
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const scopeName = (scope: string): string => (SCOPE_NAMES[scope] ? t(SCOPE_NAMES[scope]) : scope);
    return frame.send(
      200,
      t('apps:connected.title'),
      html`<h1>${t('apps:connected.heading')}</h1>
${notice('success', done ? t('apps:connected.removed', { app: done.slice(0, 100) }) : null)}
<section class="card" aria-labelledby="apps-title">
  <h2 id="apps-title">${t('apps:connected.withAccess')}</h2>
  ${
    apps.length === 0
      ? html`<p class="muted">${t('apps:connected.none')}</p>`
      : html`<div class="table-scroll" role="region" aria-label="${t('apps:connected.tableLabel')}" tabindex="0"><table>
    <caption class="sr-only">${t('apps:connected.tableLabel')}</caption>
    <thead><tr><th scope="col">${t('apps:connected.colApp')}</th><th scope="col">${t('apps:connected.colOrg')}</th><th scope="col">${t('apps:connected.colSees')}</th><th scope="col">${t('apps:connected.colAllowed')}</th><th scope="col"><span class="sr-only">${t('apps:shared.actions')}</span></th></tr></thead>
    <tbody>${apps.map(
      (
        a,
      ) => html`<tr><td>${a.name}</td><td>${a.orgName}</td><td>${a.scopes.map(scopeName).join(', ')}</td><td>${t.day(a.allowedAt)}</td>
      <td><form method="post" action="/profile/apps/${a.clientId}/remove" class="inline">${csrfInput(frame.csrf)}<button type="submit" class="danger small">${t('apps:connected.removeAccess')}</button></form></td></tr>`,
    )}</tbody>
  </table></div>`
  }
  <p class="hint">${t('apps:connected.hint')}</p>
</section>`,
    );
  });

  app.post('/profile/apps/:clientId/remove', async (request, reply) => {
    const session = requireSession(request);
    const removed = await revokeAppAccess(
      ctx,
      { session, meta: meta(request) },
      (request.params as { clientId: string }).clientId,
    );
    return reply.redirect(`/profile/apps?removed=${encodeURIComponent(removed.name)}`, 303);
  });
}
