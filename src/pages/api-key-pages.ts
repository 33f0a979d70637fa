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

type Owner = { userId: string } | { orgId: string };

function keysView(
  base: string,
  keys: readonly ApiKeyView[],
  csrf: string,
  created: string | null,
  error: string | null,
): Html {
  return html`${notice('error', error)}
${created ? html`<div class="notice notice-success" role="status"><p><strong>Copy your new key now: it is shown only once.</strong></p><p><code class="uri" id="new-api-key">${created}</code></p></div>` : ''}
<section class="card" aria-labelledby="keys-title">
  <h2 id="keys-title">Keys</h2>
  ${
    keys.length === 0
      ? html`<p class="muted">No API keys yet.</p>`
      : html`<div class="table-scroll" role="region" aria-label="API keys" tabindex="0"><table>
    <caption class="sr-only">API keys</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Access</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${keys.map(
      (
        k,
      ) => html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.scope === 'read' ? 'Read only' : 'Read and write'}</td>
      <td>${k.createdAt.slice(0, 10)}</td><td>${k.lastUsedAt?.slice(0, 10) ?? 'never'}</td>
      <td><form method="post" action="${base}/${k.id}/revoke" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger small">Revoke</button></form></td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>
<section class="card" aria-labelledby="new-key-title">
  <h2 id="new-key-title">Create a key</h2>
  <form method="post" action="${base}">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="key-name">Name</label>
    <input id="key-name" name="name" type="text" maxlength="100" required placeholder="e.g. nightly report">
    <label for="key-scope">Access</label>
    <select id="key-scope" name="scope"><option value="read">Read only</option><option value="write">Read and write</option></select>
    <button type="submit">Create key</button>
  </form>
  <p class="hint">Send it as <code>Authorization: Bearer tf_…</code> to the JSON API. Keys are not affected by two-factor settings: keep them secret and revoke them when unused.</p>
</section>`;
}

export async function apiKeyPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  async function context(
    request: FastifyRequest,
  ): Promise<{ owner: Owner; orgId: string | null; base: string; title: string }> {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId?: string };
    if (!orgId)
      return { owner: { userId: session.userId }, orgId: null, base: '/profile/api-keys', title: 'Your API keys' };
    const { org } = await requireManager(ctx, orgId, session.userId);
    return {
      owner: { orgId: org.id },
      orgId: org.id,
      base: `/orgs/${org.id}/api-keys`,
      title: `API keys — ${org.name}`,
    };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    created: string | null,
    error: string | null,
  ) {
    const c = await context(request);
    const frame = await pageFrame(ctx, request, reply);
    return frame.send(
      status,
      c.title,
      html`<h1>${c.title}</h1>${keysView(c.base, await listApiKeys(ctx, c.owner), frame.csrf, created, error)}`,
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
      if (error instanceof AppError && error.status < 500)
        return render(request, reply, error.status, null, error.message);
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
