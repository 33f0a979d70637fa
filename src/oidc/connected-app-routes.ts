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
import { csrfInput, day } from '../pages/ui.ts';

const SCOPE_NAMES: Record<string, string> = {
  openid: 'who you are',
  email: 'email address',
  profile: 'name',
  org: 'organization and role',
  offline_access: 'access while you are away',
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
    return frame.send(
      200,
      'Apps',
      html`<h1>Apps you signed in to</h1>
${notice('success', done ? `${done.slice(0, 100)} no longer has access to your account.` : null)}
<section class="card" aria-labelledby="apps-title">
  <h2 id="apps-title">Apps with access</h2>
  ${
    apps.length === 0
      ? html`<p class="muted">You have not allowed any app yet.</p>`
      : html`<div class="table-scroll" role="region" aria-label="Apps you allowed to sign you in" tabindex="0"><table>
    <caption class="sr-only">Apps you allowed to sign you in</caption>
    <thead><tr><th scope="col">App</th><th scope="col">Organization</th><th scope="col">It can see</th><th scope="col">Allowed</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${apps.map(
      (
        a,
      ) => html`<tr><td>${a.name}</td><td>${a.orgName}</td><td>${a.scopes.map((s) => SCOPE_NAMES[s] ?? s).join(', ')}</td><td>${day(a.allowedAt)}</td>
      <td><form method="post" action="/profile/apps/${a.clientId}/remove" class="inline">${csrfInput(frame.csrf)}<button type="submit" class="danger small">Remove access</button></form></td></tr>`,
    )}</tbody>
  </table></div>`
  }
  <p class="hint">Removing access signs you out of the app and stops its tokens; it asks for your permission again the next time you sign in to it.</p>
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
