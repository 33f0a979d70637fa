/**
 * Apps that sign in through twofold, managed by an org's owners and admins: JSON routes and the
 * Organization → Apps page. Creating an app and rotating its secret need a fresh re-authentication (sudo);
 * the secret is returned once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { meta, requireSession } from '../http/request.ts';
import { object, params, str } from '../http/schema.ts';
import { deleteApp, registerApp, rotateAppSecret, updateApp } from '../flows/oidc-apps.ts';
import { requireManager } from '../orgs/service.ts';
import type { CurrentSession } from '../sessions/service.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from '../pages/layout.ts';
import { pageFrame } from '../pages/page.ts';
import { csrfInput } from '../pages/ui.ts';
import {
  CLIENT_LIMITS,
  getClient,
  listClients,
  SECRET_METHODS,
  SECRET_OVERLAP,
  type ClientInput,
  type ClientKind,
  type ClientView,
  type SecretMethod,
} from './clients.ts';
import { issuerOf } from './assurance.ts';

const uris = {
  type: 'array',
  maxItems: CLIENT_LIMITS.redirectUris,
  items: str(CLIENT_LIMITS.uriChars, { minLength: 1 }),
};
/** Where the app receives logout tokens; "" removes it. */
const backchannelUri = { type: 'string', maxLength: CLIENT_LIMITS.uriChars };
const createSchema = object(
  {
    name: str(100, { minLength: 1 }),
    kind: { type: 'string', enum: ['confidential', 'public'] },
    tokenAuthMethod: { type: 'string', enum: [...SECRET_METHODS] },
    redirectUris: uris,
    postLogoutRedirectUris: uris,
    backchannelLogoutUri: backchannelUri,
  },
  ['name', 'kind', 'redirectUris'],
);
const updateSchema = object(
  {
    name: str(100, { minLength: 1 }),
    redirectUris: uris,
    postLogoutRedirectUris: uris,
    backchannelLogoutUri: backchannelUri,
  },
  ['name', 'redirectUris'],
);

/** Lines of a textarea → addresses. */
function lines(value: unknown): string[] {
  return String(value ?? '')
    .slice(0, CLIENT_LIMITS.uriChars * CLIENT_LIMITS.redirectUris)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

export async function oidcClientRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const base = (orgId: string) => `/api/v1/orgs/${orgId}/oidc-clients`;

  app.get(
    '/api/v1/orgs/:orgId/oidc-clients',
    { schema: { summary: 'Apps that sign in through twofold (OpenID Connect clients)', params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      return { clients: await listClients(ctx, orgId), issuer: issuerOf(ctx.config.publicUrl) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/oidc-clients',
    {
      schema: {
        summary: "Register an app (owner/admin, sudo); a confidential app's secret is returned once",
        params: params(['orgId']),
        body: createSchema,
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as { orgId: string };
      const app = request.body as ClientInput;
      const created = await registerApp(ctx, { session: requireSession(request), meta: meta(request) }, { orgId, app });
      return reply
        .status(201)
        .header('location', `${base(orgId)}/${created.client.clientId}`)
        .send({ client: created.client, clientSecret: created.clientSecret });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/oidc-clients/:clientId',
    { schema: { summary: 'One app', params: params(['orgId', 'clientId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId, clientId } = request.params as { orgId: string; clientId: string };
      await requireManager(ctx, orgId, session.userId);
      return { client: await getClient(ctx, orgId, clientId) };
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/oidc-clients/:clientId',
    {
      schema: {
        summary: "Change an app's name and addresses (owner/admin)",
        params: params(['orgId', 'clientId']),
        body: updateSchema,
      },
    },
    async (request) => {
      const { orgId, clientId } = request.params as { orgId: string; clientId: string };
      const app = request.body as Omit<ClientInput, 'kind'>;
      return {
        client: await updateApp(
          ctx,
          { session: requireSession(request), meta: meta(request) },
          { orgId, clientId, app },
        ),
      };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/oidc-clients/:clientId/rotate-secret',
    {
      schema: {
        summary:
          "Replace a confidential app's secret (owner/admin, sudo); the old one keeps working for keepOldSecretHours (default 24, 0 = stops at once)",
        params: params(['orgId', 'clientId']),
        body: object({ keepOldSecretHours: { type: 'integer', minimum: 0, maximum: SECRET_OVERLAP.maxHours } }),
      },
      // The body is optional: a request without one takes the default overlap.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      const { orgId, clientId } = request.params as { orgId: string; clientId: string };
      const body = (request.body ?? {}) as { keepOldSecretHours?: number };
      const keepOldHours = body.keepOldSecretHours ?? SECRET_OVERLAP.defaultHours;
      const rotated = await rotateAppSecret(
        ctx,
        { session: requireSession(request), meta: meta(request) },
        { orgId, clientId, keepOldHours },
      );
      return { client: rotated.client, clientSecret: rotated.clientSecret };
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/oidc-clients/:clientId',
    {
      schema: {
        summary: 'Delete an app and every token issued to it (owner/admin)',
        params: params(['orgId', 'clientId']),
      },
    },
    async (request, reply) => {
      const { orgId, clientId } = request.params as { orgId: string; clientId: string };
      await deleteApp(ctx, { session: requireSession(request), meta: meta(request) }, { orgId, clientId });
      return reply.status(204).send();
    },
  );

  // ---- Organization → Apps (pages) ----

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    shown: { clientId: string; secret: string } | null,
    message: { kind: 'error' | 'success'; text: string } | null,
  ) {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId: string };
    const { org } = await requireManager(ctx, orgId, session.userId);
    const frame = await pageFrame(ctx, request, reply);
    const clients = await listClients(ctx, org.id);
    return frame.send(
      status,
      `Apps — ${org.name}`,
      appsView(
        org.id,
        org.name,
        issuerOf(ctx.config.publicUrl),
        clients,
        frame.csrf,
        shown,
        message,
        ctx.clock().toISOString(),
      ),
    );
  }

  interface Outcome {
    status: number;
    shown: { clientId: string; secret: string } | null;
    text: string;
  }

  /**
   * One form action on the Apps page: `work` calls the flow, which decides who may (owner/admin, sudo when
   * it asks); its outcome, or a 4xx it threw, is shown on the page — "Confirm it's you" when the sudo window
   * is shut.
   */
  async function pageAction(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (orgId: string, session: CurrentSession, body: Record<string, unknown>) => Promise<Outcome>,
  ) {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId: string };
    try {
      const outcome = await work(orgId, session, (request.body ?? {}) as Record<string, unknown>);
      return render(request, reply, outcome.status, outcome.shown, { kind: 'success', text: outcome.text });
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour, which then completes this action.
      if (error instanceof AppError && error.code === 'reauthentication_required') throw error;
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return render(request, reply, error.status, null, { kind: 'error', text: error.message });
    }
  }

  const clientIdOf = (request: FastifyRequest): string => (request.params as { clientId: string }).clientId;

  app.get('/orgs/:orgId/apps', async (request, reply) => render(request, reply, 200, null, null));

  app.post('/orgs/:orgId/apps', async (request, reply) =>
    pageAction(request, reply, async (orgId, session, body) => {
      const kind: ClientKind = body.kind === 'public' ? 'public' : 'confidential';
      const method: SecretMethod =
        body.tokenAuthMethod === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic';
      const app = {
        name: String(body.name ?? '').slice(0, 100),
        kind,
        tokenAuthMethod: method,
        redirectUris: lines(body.redirectUris),
        postLogoutRedirectUris: lines(body.postLogoutRedirectUris),
        backchannelLogoutUri: String(body.backchannelLogoutUri ?? '').slice(0, CLIENT_LIMITS.uriChars),
      };
      const created = await registerApp(ctx, { session, meta: meta(request) }, { orgId, app });
      const shown = created.clientSecret ? { clientId: created.client.clientId, secret: created.clientSecret } : null;
      return {
        status: 201,
        shown,
        text: shown
          ? `${created.client.name} is registered.`
          : `${created.client.name} is registered. Client ID: ${created.client.clientId}`,
      };
    }),
  );

  app.post('/orgs/:orgId/apps/:clientId/update', async (request, reply) =>
    pageAction(request, reply, async (orgId, session, body) => {
      const app = {
        name: String(body.name ?? '').slice(0, 100),
        redirectUris: lines(body.redirectUris),
        postLogoutRedirectUris: lines(body.postLogoutRedirectUris),
        backchannelLogoutUri: String(body.backchannelLogoutUri ?? '').slice(0, CLIENT_LIMITS.uriChars),
      };
      const client = await updateApp(
        ctx,
        { session, meta: meta(request) },
        { orgId, clientId: clientIdOf(request), app },
      );
      return { status: 200, shown: null, text: `${client.name} saved.` };
    }),
  );

  app.post('/orgs/:orgId/apps/:clientId/rotate-secret', async (request, reply) =>
    pageAction(request, reply, async (orgId, session, body) => {
      const hours = Number(body.keepOldSecretHours ?? SECRET_OVERLAP.defaultHours);
      const rotated = await rotateAppSecret(
        ctx,
        { session, meta: meta(request) },
        { orgId, clientId: clientIdOf(request), keepOldHours: hours },
      );
      const old =
        hours === 0
          ? 'The old one no longer works.'
          : `The old one keeps working until ${rotated.client.previousSecretExpiresAt?.replace('T', ' ').slice(0, 16)} UTC: update the app before then.`;
      return {
        status: 200,
        shown: { clientId: rotated.client.clientId, secret: rotated.clientSecret },
        text: `${rotated.client.name} has a new secret. ${old}`,
      };
    }),
  );

  app.post('/orgs/:orgId/apps/:clientId/delete', async (request, reply) =>
    pageAction(request, reply, async (orgId, session) => {
      const client = await deleteApp(ctx, { session, meta: meta(request) }, { orgId, clientId: clientIdOf(request) });
      return { status: 200, shown: null, text: `${client.name} was deleted. Its users are signed out of it.` };
    }),
  );
}

function appsView(
  orgId: string,
  orgName: string,
  issuer: string,
  clients: readonly ClientView[],
  csrf: string,
  shown: { clientId: string; secret: string } | null,
  message: { kind: 'error' | 'success'; text: string } | null,
  now: string,
): Html {
  const base = `/orgs/${orgId}/apps`;
  return html`<h1>Apps — ${orgName}</h1>
${notice(message?.kind ?? 'info', message?.text)}
${shown ? html`<div class="notice notice-success" role="status"><p><strong>Copy the client secret now: it is shown only once.</strong></p><p>Client ID <code>${shown.clientId}</code></p><p><code class="uri" id="client-secret">${shown.secret}</code></p></div>` : ''}
<section class="card" aria-labelledby="connect-title">
  <h2 id="connect-title">Connect your app</h2>
  <p>Apps sign your members in with OpenID Connect. Point any OpenID Connect library at the issuer below; it finds everything else in the discovery document. Only members of ${orgName} can sign in to these apps.</p>
  <p>Issuer: <code class="uri" id="issuer">${issuer}</code></p>
  <p class="hint">Ask for <code>acr_values=urn:twofold:aal2</code> to require two-factor authentication for a request; the ID token's <code>acr</code> and <code>amr</code> say what was used.</p>
</section>
<section class="card" aria-labelledby="apps-title">
  <h2 id="apps-title">Registered apps</h2>
  ${
    clients.length === 0
      ? html`<p class="muted">No apps yet.</p>`
      : clients.map(
          (c) => html`<details class="app-entry">
    <summary><strong>${c.name}</strong> <span class="muted">(${c.kind === 'public' ? 'public, PKCE' : 'confidential'})</span> <code>${c.clientId}</code></summary>
    <form method="post" action="${base}/${c.clientId}/update">
      ${csrfInput(csrf)}
      <label for="name-${c.clientId}">Name</label>
      <input id="name-${c.clientId}" name="name" type="text" maxlength="100" required value="${c.name}">
      <label for="redirect-${c.clientId}">Redirect URIs <span class="muted">(one per line)</span></label>
      <textarea id="redirect-${c.clientId}" name="redirectUris" rows="3" required>${c.redirectUris.join('\n')}</textarea>
      <label for="logout-${c.clientId}">Post-logout redirect URIs <span class="muted">(optional, one per line)</span></label>
      <textarea id="logout-${c.clientId}" name="postLogoutRedirectUris" rows="2">${c.postLogoutRedirectUris.join('\n')}</textarea>
      <label for="backchannel-${c.clientId}">Back-channel logout URI <span class="muted">(optional; twofold's server posts a logout token here when the person signs out)</span></label>
      <input id="backchannel-${c.clientId}" name="backchannelLogoutUri" type="url" maxlength="${CLIENT_LIMITS.uriChars}" value="${c.backchannelLogoutUri ?? ''}">
      <button type="submit">Save</button>
    </form>
    <div class="row-actions">
      ${
        c.kind === 'confidential'
          ? html`<form method="post" action="${base}/${c.clientId}/rotate-secret" class="inline">${csrfInput(csrf)}
        <label for="keep-${c.clientId}">The old secret keeps working</label>
        <select id="keep-${c.clientId}" name="keepOldSecretHours">
          <option value="24">for 24 hours</option><option value="1">for 1 hour</option><option value="168">for 7 days</option><option value="0">no — stop it now (leaked)</option>
        </select>
        <button type="submit" class="secondary">New secret</button></form>`
          : ''
      }
      ${c.previousSecretExpiresAt && c.previousSecretExpiresAt > now ? html`<p class="hint">The previous secret works until ${c.previousSecretExpiresAt.replace('T', ' ').slice(0, 16)} UTC.</p>` : ''}
      <form method="post" action="${base}/${c.clientId}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger">Delete app</button></form>
    </div>
  </details>`,
        )
  }
</section>
<section class="card" aria-labelledby="new-app-title">
  <h2 id="new-app-title">Register an app</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="app-name">Name</label>
    <input id="app-name" name="name" type="text" maxlength="100" required placeholder="e.g. Patient portal">
    <label for="app-kind">Type</label>
    <select id="app-kind" name="kind">
      <option value="confidential">Server-side app (has a client secret)</option>
      <option value="public">Single-page or mobile app (no secret, PKCE)</option>
    </select>
    <label for="app-auth">How a server-side app sends its secret</label>
    <select id="app-auth" name="tokenAuthMethod">
      <option value="client_secret_basic">HTTP Basic (client_secret_basic)</option>
      <option value="client_secret_post">In the form body (client_secret_post)</option>
    </select>
    <label for="app-redirects">Redirect URIs <span class="muted">(one per line, exact; https, or http://localhost)</span></label>
    <textarea id="app-redirects" name="redirectUris" rows="3" required placeholder="https://app.example.com/callback"></textarea>
    <label for="app-logout">Post-logout redirect URIs <span class="muted">(optional)</span></label>
    <textarea id="app-logout" name="postLogoutRedirectUris" rows="2"></textarea>
    <label for="app-backchannel">Back-channel logout URI <span class="muted">(optional; twofold's server posts a logout token here when the person signs out)</span></label>
    <input id="app-backchannel" name="backchannelLogoutUri" type="url" maxlength="${CLIENT_LIMITS.uriChars}" placeholder="https://app.example.com/backchannel-logout">
    <button type="submit">Register app</button>
  </form>
</section>`;
}
