/** API keys in the browser: personal (Profile → API keys) and org (owner/admin). The key is shown once. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { createApiKey, revokeApiKey } from '../flows/api-keys.ts';
import { requireManager } from '../orgs/service.ts';
import { listApiKeys, type ApiKeyScope, type ApiKeyView } from '../api-keys/service.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import { pageFrame } from './page.ts';
import type { LocalizableError, T } from '../i18n/index.ts';

type Owner = { userId: string } | { orgId: string };

function keysView(
  t: T,
  base: string,
  keys: readonly ApiKeyView[],
  csrf: string,
  created: string | null,
  error: string | null,
): Html {
  return html`${notice('error', error)}
${created ? html`<div class="notice notice-success" role="status"><p><strong>${t('security:apiKeys.createdOnce')}</strong></p><p><code class="uri" id="new-api-key">${created}</code></p></div>` : ''}
<section class="card" aria-labelledby="keys-title">
  <h2 id="keys-title">${t('security:apiKeys.keys')}</h2>
  ${
    keys.length === 0
      ? html`<p class="muted">${t('security:apiKeys.none')}</p>`
      : html`<div class="table-scroll" role="region" aria-label="${t('security:apiKeys.table')}" tabindex="0"><table>
    <caption class="sr-only">${t('security:apiKeys.table')}</caption>
    <thead><tr><th scope="col">${t('security:apiKeys.name')}</th><th scope="col">${t('security:apiKeys.key')}</th><th scope="col">${t('security:apiKeys.access')}</th><th scope="col">${t('security:apiKeys.created')}</th><th scope="col">${t('security:apiKeys.lastUsed')}</th><th scope="col"><span class="sr-only">${t('security:apiKeys.actions')}</span></th></tr></thead>
    <tbody>${keys.map(
      (
        k,
      ) => html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.scope === 'read' ? t('security:apiKeys.readOnly') : t('security:apiKeys.readWrite')}</td>
      <td>${t.day(k.createdAt)}</td><td>${k.lastUsedAt ? t.day(k.lastUsedAt) : t('common:words.never')}</td>
      <td><form method="post" action="${base}/${k.id}/revoke" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger small">${t('security:apiKeys.revoke')}</button></form></td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>
<section class="card" aria-labelledby="new-key-title">
  <h2 id="new-key-title">${t('security:apiKeys.createTitle')}</h2>
  <form method="post" action="${base}">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="key-name">${t('security:apiKeys.name')}</label>
    <input id="key-name" name="name" type="text" maxlength="100" required placeholder="${t('security:apiKeys.namePlaceholder')}">
    <label for="key-scope">${t('security:apiKeys.access')}</label>
    <select id="key-scope" name="scope"><option value="read">${t('security:apiKeys.readOnly')}</option><option value="write">${t('security:apiKeys.readWrite')}</option></select>
    <button type="submit">${t('security:apiKeys.create')}</button>
  </form>
  <p class="hint">${t.html('security:apiKeys.hint')}</p>
</section>`;
}

export async function apiKeyPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function context(
    request: FastifyRequest,
  ): Promise<{ owner: Owner; orgId: string | null; base: string; title: (t: T) => string }> {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId?: string };
    if (!orgId)
      return {
        owner: { userId: session.userId },
        orgId: null,
        base: '/profile/api-keys',
        title: (t) => t('security:apiKeys.yours'),
      };
    const { org } = await requireManager(ctx, orgId, session.userId);
    return {
      owner: { orgId: org.id },
      orgId: org.id,
      base: `/orgs/${org.id}/api-keys`,
      title: (t) => t('security:apiKeys.org', { org: org.name }),
    };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    created: string | null,
    error: LocalizableError | null,
  ) {
    const c = await context(request);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    const keys = await listApiKeys(ctx, c.owner);
    const title = c.title(t);
    return frame.send(
      status,
      title,
      html`<h1>${title}</h1>${keysView(t, c.base, keys, frame.csrf, created, error ? t.error(error) : null)}`,
    );
  }

  async function create(request: FastifyRequest, reply: FastifyReply) {
    const c = await context(request);
    const body = request.body as { name?: string; scope?: string };
    const scope: ApiKeyScope = body.scope === 'write' ? 'write' : 'read';
    try {
      const input = { orgId: c.orgId, name: String(body.name ?? '').slice(0, 100), scope };
      const { key } = await createApiKey(ctx, { session: requireSession(request), meta: meta(request) }, input);
      return render(request, reply, 201, key, null);
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (error instanceof AppError && error.status < 500) return render(request, reply, error.status, null, error);
      throw error;
    }
  }

  async function revoke(request: FastifyRequest, reply: FastifyReply) {
    const c = await context(request);
    const input = { orgId: c.orgId, id: (request.params as { id: string }).id };
    await revokeApiKey(ctx, { session: requireSession(request), meta: meta(request) }, input);
    return reply.redirect(c.base, 303);
  }

  app.get('/profile/api-keys', async (request, reply) => render(request, reply, 200, null, null));
  app.post('/profile/api-keys', create);
  app.post('/profile/api-keys/:id/revoke', revoke);
  app.get('/orgs/:orgId/api-keys', async (request, reply) => render(request, reply, 200, null, null));
  app.post('/orgs/:orgId/api-keys', create);
  app.post('/orgs/:orgId/api-keys/:id/revoke', revoke);
}
