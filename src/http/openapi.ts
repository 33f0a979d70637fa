/** Builds the OpenAPI 3.1 document from the routes' own schemas, so it cannot drift from them. */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ERRORS } from '../errors.ts';

interface Operation {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

export function collectOperations(app: FastifyInstance): Operation[] {
  const operations: Operation[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') && !['/healthz', '/readyz'].includes(route.url)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      operations.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as Record<string, unknown>,
      });
    }
  });
  return operations;
}

function pathParameters(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
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
      summary: op.schema.summary ?? '',
      ...(parameters.length ? { parameters } : {}),
      ...(op.schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: op.schema.body } } } }
        : {}),
      responses: {
        '2XX': { description: 'Success' },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'twofold',
      version: '1',
      description: 'Two-factor authentication server. Error codes: ' + Object.keys(ERRORS).join(', '),
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
        },
      },
    },
  };
}
