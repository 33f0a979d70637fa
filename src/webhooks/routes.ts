/** The JSON API of an org's webhook endpoints (docs/api.md "Org administration"): parse → flow → answer. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WEBHOOKS } from '../config/defaults.ts';
import { actingOf } from '../http/request.ts';
import { bool, object, params, str } from '../http/schema.ts';
import {
  createOrgWebhook,
  deleteOrgWebhook,
  listOrgWebhooks,
  redeliverWebhookMessage,
  rotateOrgWebhookSecret,
  updateOrgWebhook,
  webhookDeliveries,
} from '../flows/webhooks.ts';
import { WEBHOOK_EVENTS } from './events.ts';

const events = {
  type: 'array',
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length + 1,
  items: { type: 'string', enum: ['*', ...WEBHOOK_EVENTS] },
};
const url = str(WEBHOOKS.maxUrlLength, { minLength: 1 });

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const actor = (request: FastifyRequest) => actingOf(request);
  const base = '/api/v1/orgs/:orgId/webhooks';

  app.get(
    base,
    { schema: { summary: "The org's webhook endpoints (owner/admin)", params: params(['orgId']) } },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      return { webhooks: await listOrgWebhooks(ctx, actor(request), orgId), events: WEBHOOK_EVENTS };
    },
  );

  app.post(
    base,
    {
      schema: {
        summary: 'Add a webhook endpoint (owner/admin, sudo); its signing secret (whsec_…) is returned once',
        params: params(['orgId']),
        body: object({ url, events }, ['url', 'events']),
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as { orgId: string };
      const body = request.body as { url: string; events: string[] };
      const created = await createOrgWebhook(ctx, actor(request), orgId, body);
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${orgId}/webhooks/${created.webhook.id}`)
        .send({ id: created.webhook.id, secret: created.secret, webhook: created.webhook });
    },
  );

  app.patch(
    `${base}/:webhookId`,
    {
      schema: {
        summary: "Change an endpoint's URL or events, or turn it off and on (owner/admin)",
        params: params(['orgId', 'webhookId']),
        body: object({ url, events, enabled: bool() }),
      },
    },
    async (request) => {
      const { orgId, webhookId } = request.params as { orgId: string; webhookId: string };
      return {
        webhook: await updateOrgWebhook(
          ctx,
          actor(request),
          orgId,
          webhookId,
          request.body as { url?: string; events?: string[]; enabled?: boolean },
        ),
      };
    },
  );

  app.delete(
    `${base}/:webhookId`,
    {
      schema: {
        summary: 'Delete an endpoint and its delivery log (owner/admin)',
        params: params(['orgId', 'webhookId']),
      },
    },
    async (request, reply) => {
      const { orgId, webhookId } = request.params as { orgId: string; webhookId: string };
      await deleteOrgWebhook(ctx, actor(request), orgId, webhookId);
      return reply.status(204).send();
    },
  );

  app.post(
    `${base}/:webhookId/rotate-secret`,
    {
      schema: {
        summary:
          'A new signing secret (owner/admin, sudo), returned once; the previous one also signs for keepOldSecretHours (default 24, 0–168)',
        params: params(['orgId', 'webhookId']),
        body: object({ keepOldSecretHours: { type: 'integer', minimum: 0, maximum: WEBHOOKS.maxOverlapHours } }),
      },
      // The body is optional: a request without one takes the default overlap.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      const { orgId, webhookId } = request.params as { orgId: string; webhookId: string };
      const hours =
        (request.body as { keepOldSecretHours?: number } | undefined)?.keepOldSecretHours ??
        WEBHOOKS.defaultOverlapHours;
      const rotated = await rotateOrgWebhookSecret(ctx, actor(request), orgId, webhookId, hours);
      return { secret: rotated.secret, webhook: rotated.webhook };
    },
  );

  app.get(
    `${base}/:webhookId/deliveries`,
    {
      schema: {
        summary: "An endpoint's delivery log, newest first: status, attempts, response code",
        params: params(['orgId', 'webhookId']),
      },
    },
    async (request) => {
      const { orgId, webhookId } = request.params as { orgId: string; webhookId: string };
      return { deliveries: await webhookDeliveries(ctx, actor(request), orgId, webhookId) };
    },
  );

  app.post(
    `${base}/:webhookId/deliveries/:deliveryId/redeliver`,
    {
      schema: {
        summary: 'Send a message again (same webhook-id)',
        params: params(['orgId', 'webhookId', 'deliveryId']),
      },
    },
    async (request, reply) => {
      const { orgId, webhookId, deliveryId } = request.params as {
        orgId: string;
        webhookId: string;
        deliveryId: string;
      };
      await redeliverWebhookMessage(ctx, actor(request), orgId, webhookId, deliveryId);
      return reply.status(202).send({ status: 'queued' });
    },
  );
}
