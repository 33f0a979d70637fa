/** JSON routes for API keys: per user (sudo) and per org (owner/admin, sudo). The key is shown once. */
import type { FastifyInstance } from 'fastify';
import { object, params, str } from '../http/schema.ts';
import { meta, requireSession } from '../http/request.ts';
import { createApiKey, revokeApiKey } from '../flows/api-keys.ts';
import { requireManager } from '../orgs/service.ts';
import { listApiKeys, type ApiKeyScope } from './service.ts';

const createSchema = object({ name: str(100, { minLength: 1 }), scope: { type: 'string', enum: ['read', 'write'] } }, [
  'name',
  'scope',
]);

export async function apiKeyRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.get('/api/v1/me/api-keys', { schema: { summary: 'My API keys' } }, async (request) => {
    const session = requireSession(request);
    return { apiKeys: await listApiKeys(ctx, { userId: session.userId }) };
  });

  app.post(
    '/api/v1/me/api-keys',
    { schema: { summary: 'Create a personal API key (sudo); the key is returned once', body: createSchema } },
    async (request, reply) => {
      const body = request.body as { name: string; scope: ApiKeyScope };
      return reply
        .status(201)
        .send(
          await createApiKey(ctx, { session: requireSession(request), meta: meta(request) }, { orgId: null, ...body }),
        );
    },
  );

  app.delete(
    '/api/v1/me/api-keys/:id',
    { schema: { summary: 'Revoke a personal API key', params: params(['id']) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await revokeApiKey(ctx, { session: requireSession(request), meta: meta(request) }, { orgId: null, id });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/api-keys',
    { schema: { summary: "The organization's API keys", params: params(['orgId']) } },
    async (request) => {
      const session = requireSession(request);
      const { orgId } = request.params as { orgId: string };
      await requireManager(ctx, orgId, session.userId);
      return { apiKeys: await listApiKeys(ctx, { orgId }) };
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/api-keys',
    {
      schema: {
        summary: 'Create an organization API key (owner/admin, sudo); the key is returned once',
        params: params(['orgId']),
        body: createSchema,
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as { orgId: string };
      const body = request.body as { name: string; scope: ApiKeyScope };
      return reply
        .status(201)
        .send(await createApiKey(ctx, { session: requireSession(request), meta: meta(request) }, { orgId, ...body }));
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/api-keys/:id',
    { schema: { summary: 'Revoke an organization API key', params: params(['orgId', 'id']) } },
    async (request, reply) => {
      const { orgId, id } = request.params as { orgId: string; id: string };
      await revokeApiKey(ctx, { session: requireSession(request), meta: meta(request) }, { orgId, id });
      return reply.status(204).send();
    },
  );
}
