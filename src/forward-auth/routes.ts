/**
 * Forward authentication for reverse proxies (docs/api.md "Reverse proxies"): the check every proxied request
 * makes, and the org's host rules. nginx `auth_request` (it sends X-Original-URL) gets 401 with a Location to
 * sign in; Traefik `forwardAuth` and Caddy `forward_auth` get that Location as a 302. A request that passes
 * gets 200 with Remote-User (the user's id, as the OpenID Connect `sub`), Remote-Email, Remote-Name and
 * Remote-Groups (the member's role in the host's org). Anything else — including an error — is not a 200.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { errorBody } from '../http/error-handler.ts';
import { actingOf } from '../http/request.ts';
import { bool, object, params, role, str } from '../http/schema.ts';
import { addProtectedHost, listOrgProtectedHosts, removeProtectedHost } from '../flows/forward-auth.ts';
import { decideForwardAuth, normaliseHost, type IdentityHeaders } from './check.ts';

/** Header values are Latin-1 on the wire: a value with other characters is sent percent-encoded (UTF-8). */
function headerValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/** The URL the person asked for, as the proxy reports it. */
function originalUrl(request: FastifyRequest): string | null {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const original = header('x-original-url');
  if (original) return original;
  const host = header('x-forwarded-host');
  if (!host) return null;
  const proto = header('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${host.split(',')[0]!.trim()}${header('x-forwarded-uri') ?? '/'}`;
}

export async function forwardAuthRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/api/v1/forward-auth',
    {
      schema: { summary: 'Forward-auth check for nginx auth_request, Traefik forwardAuth and Caddy forward_auth' },
      config: { public: true },
    },
    async (request, reply) => {
      const forwardedHost = request.headers['x-forwarded-host'];
      const decision = await decideForwardAuth(ctx, {
        host: normaliseHost(typeof forwardedHost === 'string' ? forwardedHost : undefined),
        cookie: typeof request.headers.cookie === 'string' ? request.headers.cookie : undefined,
      });
      reply.header('cache-control', 'no-store');
      if (decision.allowed) {
        for (const [name, value] of Object.entries(decision.headers) as Array<[keyof IdentityHeaders, string]>) {
          reply.header(name, headerValue(value));
        }
        return reply.status(200).send({ status: 'ok' });
      }
      const asked = originalUrl(request);
      const signIn = new URL('/forward-auth/start', ctx.config.publicUrl);
      if (asked) signIn.searchParams.set('rd', asked);
      reply.header('location', signIn.toString());
      const nginx = request.headers['x-original-url'] !== undefined;
      return reply
        .status(nginx ? 401 : 302)
        .send(errorBody(new AppError('unauthenticated', { key: 'errors:messages.forwardAuth.signIn' })));
    },
  );

  const actor = (request: FastifyRequest) => actingOf(request);

  app.get(
    '/api/v1/orgs/:orgId/forward-auth-hosts',
    {
      schema: { summary: 'Hosts protected by forward auth, with their rules (owner/admin)', params: params(['orgId']) },
    },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      return { hosts: await listOrgProtectedHosts(ctx, actor(request), orgId) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/forward-auth-hosts',
    {
      schema: {
        summary:
          'Protect a host behind the reverse proxy (owner/admin, sudo): who may enter, and whether two factors are required',
        params: params(['orgId']),
        body: object(
          {
            host: str(260, { minLength: 1 }),
            requireTwoFactor: bool(),
            roles: { type: 'array', maxItems: 4, items: role() },
          },
          ['host', 'requireTwoFactor'],
        ),
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as { orgId: string };
      const body = request.body as { host: string; requireTwoFactor: boolean; roles?: string[] };
      return reply.status(201).send({ host: await addProtectedHost(ctx, actor(request), orgId, body) });
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/forward-auth-hosts/:hostId',
    {
      schema: {
        summary: 'Stop protecting a host (owner/admin, sudo); its browsers are signed out of it',
        params: params(['orgId', 'hostId']),
      },
    },
    async (request, reply) => {
      const { orgId, hostId } = request.params as { orgId: string; hostId: string };
      await removeProtectedHost(ctx, actor(request), orgId, hostId);
      return reply.status(204).send();
    },
  );
}
