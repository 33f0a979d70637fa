/**
 * A typed client for twofold's JSON API, on openapi-fetch: paths, bodies and answers are checked by
 * TypeScript against the types generated from twofold's OpenAPI document (schema.d.ts).
 *
 *   const twofold = createTwofoldClient('https://auth.example.com', { apiKey: process.env.TWOFOLD_API_KEY });
 *   const { data, error } = await twofold.GET('/api/v1/orgs/{orgId}/policy', { params: { path: { orgId } } });
 *
 * A browser on twofold's origin sends its session cookie by itself (credentials: 'include' for another
 * origin). A server-side script uses an API key (Authorization: Bearer), which needs neither cookies nor Origin.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.d.ts';

export type { components, operations, paths } from './schema.d.ts';
export type { Middleware } from 'openapi-fetch';

export interface TwofoldClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** An API key, sent as `Authorization: Bearer`. */
  readonly apiKey?: string;
}

export type TwofoldClient = Client<paths>;

/** A client for the twofold at `baseUrl` (its PUBLIC_URL). */
export function createTwofoldClient(baseUrl: string, options: TwofoldClientOptions = {}): TwofoldClient {
  const { apiKey, headers, ...rest } = options;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(headers as Record<string, string>) },
    ...rest,
  });
}
