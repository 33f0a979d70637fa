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
import { csrfInput, moment } from '../pages/ui.ts';
import type { LocalizableError, T } from '../i18n/index.ts';
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
    message: { kind: 'error' | 'success'; text: (t: T) => string } | null,
  ) {
    const session = requireSession(request);
    const { orgId } = request.params as { orgId: string };
    const { org } = await requireManager(ctx, orgId, session.userId);
    const frame = await pageFrame(ctx, request, reply);
    const clients = await listClients(ctx, org.id);
    const t = frame.t;
    return frame.send(
      status,
      t('apps:admin.title', { org: org.name }),
      appsView(
        t,
        org.id,
        org.name,
        issuerOf(ctx.config.publicUrl),
        clients,
        frame.csrf,
        shown,
        message ? { kind: message.kind, text: message.text(t) } : null,
        ctx.clock().toISOString(),
      ),
    );
  }

  interface Outcome {
    status: number;
    shown: { clientId: string; secret: string } | null;
    text: (t: T) => string;
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
      const problem: LocalizableError = error;
      return render(request, reply, error.status, null, { kind: 'error', text: (t) => t.error(problem) });
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
        text: (t) =>
          shown
            ? t('apps:admin.registered', { app: created.client.name })
            : t('apps:admin.registeredWithId', { app: created.client.name, clientId: created.client.clientId }),
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
      return { status: 200, shown: null, text: (t) => t('apps:admin.saved', { app: client.name }) };
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
      const until = rotated.client.previousSecretExpiresAt;
      return {
        status: 200,
        shown: { clientId: rotated.client.clientId, secret: rotated.clientSecret },
        text: (t) =>
          hours === 0
            ? t('apps:admin.rotatedStopped', { app: rotated.client.name })
            : t('apps:admin.rotatedOverlap', { app: rotated.client.name, when: t.when(until) }),
      };
    }),
  );

  app.post('/orgs/:orgId/apps/:clientId/delete', async (request, reply) =>
    pageAction(request, reply, async (orgId, session) => {
      const client = await deleteApp(ctx, { session, meta: meta(request) }, { orgId, clientId: clientIdOf(request) });
      return { status: 200, shown: null, text: (t) => t('apps:admin.deleted', { app: client.name }) };
    }),
  );
}

function appsView(
  t: T,
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
  return html`<h1>${t('apps:admin.title', { org: orgName })}</h1>
${notice(message?.kind ?? 'info', message?.text)}
${shown ? html`<div class="notice notice-success" role="status"><p><strong>${t('apps:admin.copySecret')}</strong></p><p>${t.html('apps:admin.clientIdLine', { clientId: html`<code>${shown.clientId}</code>` })}</p><p><code class="uri" id="client-secret">${shown.secret}</code></p></div>` : ''}
<section class="card" aria-labelledby="connect-title">
  <h2 id="connect-title">${t('apps:admin.connectTitle')}</h2>
  <p>${t('apps:admin.connectText', { org: orgName })}</p>
  <p>${t.html('apps:admin.issuerLine', { issuer: html`<code class="uri" id="issuer">${issuer}</code>` })}</p>
  <p class="hint">${t.html('apps:admin.aal2Hint')}</p>
</section>
<section class="card" aria-labelledby="apps-title">
  <h2 id="apps-title">${t('apps:admin.registeredTitle')}</h2>
  ${
    clients.length === 0
      ? html`<p class="muted">${t('apps:admin.none')}</p>`
      : clients.map(
          (c) => html`<details class="app-entry">
    <summary><strong>${c.name}</strong> <span class="muted">(${t(c.kind === 'public' ? 'apps:admin.kindPublic' : 'apps:admin.kindConfidential')})</span> <code>${c.clientId}</code></summary>
    <form method="post" action="${base}/${c.clientId}/update">
      ${csrfInput(csrf)}
      <label for="name-${c.clientId}">${t('apps:admin.name')}</label>
      <input id="name-${c.clientId}" name="name" type="text" maxlength="100" required value="${c.name}">
      <label for="redirect-${c.clientId}">${t.html('apps:admin.redirectUris')}</label>
      <textarea id="redirect-${c.clientId}" name="redirectUris" rows="3" required>${c.redirectUris.join('\n')}</textarea>
      <label for="logout-${c.clientId}">${t.html('apps:admin.postLogoutUris')}</label>
      <textarea id="logout-${c.clientId}" name="postLogoutRedirectUris" rows="2">${c.postLogoutRedirectUris.join('\n')}</textarea>
      <label for="backchannel-${c.clientId}">${t.html('apps:admin.backchannelUri')}</label>
      <input id="backchannel-${c.clientId}" name="backchannelLogoutUri" type="url" maxlength="${CLIENT_LIMITS.uriChars}" value="${c.backchannelLogoutUri ?? ''}">
      <button type="submit">${t('common:actions.save')}</button>
    </form>
    <div class="row-actions">
      ${
        c.kind === 'confidential'
          ? html`<form method="post" action="${base}/${c.clientId}/rotate-secret" class="inline">${csrfInput(csrf)}
        <label for="keep-${c.clientId}">${t('apps:admin.keepOld')}</label>
        <select id="keep-${c.clientId}" name="keepOldSecretHours">
          <option value="24">${t('apps:shared.keep24')}</option><option value="1">${t('apps:shared.keep1')}</option><option value="168">${t('apps:shared.keep168')}</option><option value="0">${t('apps:shared.keep0')}</option>
        </select>
        <button type="submit" class="secondary">${t('apps:shared.newSecret')}</button></form>`
          : ''
      }
      ${c.previousSecretExpiresAt && c.previousSecretExpiresAt > now ? html`<p class="hint">${t.html('apps:admin.previousWorksUntil', { when: moment(t, c.previousSecretExpiresAt) })}</p>` : ''}
      <form method="post" action="${base}/${c.clientId}/delete" class="inline">${csrfInput(csrf)}<button type="submit" class="danger">${t('apps:admin.deleteApp')}</button></form>
    </div>
  </details>`,
        )
  }
</section>
<section class="card" aria-labelledby="new-app-title">
  <h2 id="new-app-title">${t('apps:admin.registerTitle')}</h2>
  <form method="post" action="${base}">
    ${csrfInput(csrf)}
    <label for="app-name">${t('apps:admin.name')}</label>
    <input id="app-name" name="name" type="text" maxlength="100" required placeholder="${t('apps:admin.namePlaceholder')}">
    <label for="app-kind">${t('apps:admin.type')}</label>
    <select id="app-kind" name="kind">
      <option value="confidential">${t('apps:admin.confidentialOption')}</option>
      <option value="public">${t('apps:admin.publicOption')}</option>
    </select>
    <label for="app-auth">${t('apps:admin.authMethod')}</label>
    <select id="app-auth" name="tokenAuthMethod">
      <option value="client_secret_basic">${t('apps:admin.basicOption')}</option>
      <option value="client_secret_post">${t('apps:admin.postOption')}</option>
    </select>
    <label for="app-redirects">${t.html('apps:admin.redirectUrisNew')}</label>
    <textarea id="app-redirects" name="redirectUris" rows="3" required placeholder="https://app.example.com/callback"></textarea>
    <label for="app-logout">${t.html('apps:admin.postLogoutUrisNew')}</label>
    <textarea id="app-logout" name="postLogoutRedirectUris" rows="2"></textarea>
    <label for="app-backchannel">${t.html('apps:admin.backchannelUri')}</label>
    <input id="app-backchannel" name="backchannelLogoutUri" type="url" maxlength="${CLIENT_LIMITS.uriChars}" placeholder="https://app.example.com/backchannel-logout">
    <button type="submit">${t('apps:admin.registerButton')}</button>
  </form>
</section>`;
}
