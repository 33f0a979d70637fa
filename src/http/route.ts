/**
 * What a request is, decided by the route that matched it — never by the raw URL. The router decodes
 * percent-escapes before matching, so `/%61pi/v1/me` reaches the `/api/v1/me` route while
 * `request.url.startsWith('/api/')` is false: a check keyed on the raw URL would skip the JSON-only,
 * CSRF, API-key and enrolment rules for that request.
 */
import type { FastifyRequest } from 'fastify';

const API_PREFIX = '/api/';

/** The matched route's pattern (e.g. `/api/v1/orgs/:orgId/members`), or null when no route matched. */
export function matchedRoute(request: FastifyRequest): string | null {
  return request.routeOptions.url ?? null;
}

/** A request to a JSON API route. */
export function isApiRoute(request: FastifyRequest): boolean {
  return matchedRoute(request)?.startsWith(API_PREFIX) ?? false;
}

/**
 * Whether an answer should be JSON: the matched route decides; a request no route matched (a 404, a
 * malformed URL) is judged by its decoded path, so `/%61pi/v1/nope` gets a JSON 404 like `/api/v1/nope`.
 */
export function wantsJson(request: FastifyRequest): boolean {
  const route = matchedRoute(request);
  if (route !== null) return route.startsWith(API_PREFIX) || route === '/openapi.json';
  const path = request.url.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: judged as it is.
  }
  return decoded.startsWith(API_PREFIX);
}

/** The org an org-scoped API route is about (`/api/v1/orgs/:orgId/…`), from the router's decoded parameters. */
export function routeOrgId(request: FastifyRequest): string | null {
  if (!matchedRoute(request)?.startsWith(`${API_PREFIX}v1/orgs/:orgId/`)) return null;
  const orgId = (request.params as { orgId?: unknown } | undefined)?.orgId;
  return typeof orgId === 'string' ? orgId : null;
}
