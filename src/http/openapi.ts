/**
 * Builds the OpenAPI 3.1 document from the routes' own schemas, so it cannot drift from them: request bodies,
 * parameters and query strings as Fastify validates them; answers, error codes and auth from each route's
 * contract (its own `schema.response`, else `API_CONTRACTS` in src/http/responses.ts), which is attached to
 * the route here so that Fastify's serializer and the document read the same schema.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ERRORS, type ErrorCode } from '../errors.ts';
import { API_CONTRACTS, type RouteContract } from './responses.ts';
import type { JsonSchema } from './schema.ts';

interface Operation {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  /** No session needed (sign-in, setup, links from email…). */
  public: boolean;
  contract: RouteContract | undefined;
}

/** Error codes any route may answer: bad input, limits, the store being away. */
const EVERY_ROUTE: readonly ErrorCode[] = ['invalid_request', 'rate_limited', 'unavailable'];
const WITH_BODY: readonly ErrorCode[] = ['payload_too_large', 'unsupported_media_type'];
/** A route that needs a session (or an API key). */
const SIGNED_IN: readonly ErrorCode[] = ['unauthenticated', 'forbidden', 'two_factor_enrollment_required'];

export function collectOperations(app: FastifyInstance): Operation[] {
  const operations: Operation[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') && !['/healthz', '/readyz'].includes(route.url)) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    for (const method of methods) {
      const contract = API_CONTRACTS[`${method} ${route.url}`];
      // The serializer and the document share the answer's schema (see responses.ts on why it is lenient).
      if (contract && !schema.response) schema.response = serializable(contract);
      operations.push({
        method: method.toLowerCase(),
        url: route.url,
        schema,
        public: (route.config as { public?: boolean } | undefined)?.public === true,
        contract,
      });
    }
    route.schema = schema;
  });
  return operations;
}

/** Fastify's response schemas: one per status, an empty answer as `null`. */
function serializable(contract: RouteContract): Record<number, JsonSchema> {
  return Object.fromEntries(
    Object.entries(contract.responses).map(([status, schema]) => [status, schema ?? { type: 'null' }]),
  );
}

function pathParameters(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}

function errorCodes(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...EVERY_ROUTE, ...(op.contract?.errors ?? [])]);
  if (op.schema.body || op.schema.consumes) WITH_BODY.forEach((c) => codes.add(c));
  if (!op.public) SIGNED_IN.forEach((c) => codes.add(c));
  return [...codes].sort();
}

function responses(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(op.contract?.responses ?? {})) {
    out[status] = schema
      ? { description: 'Success', content: { 'application/json': { schema } } }
      : { description: 'Success, no content' };
  }
  if (Object.keys(out).length === 0) out['2XX'] = { description: 'Success' };
  // Each error status with the codes this route may answer with it.
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodes(op))
    byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.join(', '),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/Error' },
              { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

export function openApiDocument(operations: readonly Operation[], serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const query = op.schema.querystring as { properties?: Record<string, unknown> } | undefined;
    const parameters = [
      ...pathParameters(op.url).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema,
      })),
    ];
    paths[path] ??= {};
    paths[path][op.method] = {
      operationId: `${op.method}${op.url.replace(/\/:?([A-Za-z0-9-]+)/g, (_m, part: string) => part.charAt(0).toUpperCase() + part.slice(1).replace(/-([a-z])/g, (_x, c: string) => c.toUpperCase()))}`,
      summary: op.schema.summary ?? '',
      ...(parameters.length ? { parameters } : {}),
      ...(op.schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: op.schema.body } } } }
        : {}),
      // A route taking raw bytes (an uploaded image) names their media types in `consumes`.
      ...(Array.isArray(op.schema.consumes)
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (op.schema.consumes as string[]).map((type) => [
                  type,
                  { schema: { type: 'string', format: 'binary' } },
                ]),
              ),
            },
          }
        : {}),
      responses: responses(op),
      // A public route needs nothing (a session or key, when sent, is still read); the others one of these.
      security: op.public ? [{}, { cookie: [] }, { bearer: [] }] : [{ cookie: [] }, { bearer: [] }],
      'x-error-codes': errorCodes(op),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'twofold',
      version: '1',
      description:
        'Two-factor authentication server. Every error answer is {"error":{"code","message",…}}; each operation lists the codes it may answer (x-error-codes). Browsers authenticate with the session cookie (and send Origin on state-changing requests); machines with Authorization: Bearer <API key>.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: 'tf_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string', enum: Object.keys(ERRORS) }, message: { type: 'string' } },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
      },
    },
  };
}
