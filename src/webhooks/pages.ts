/**
 * Organization → Webhooks in the browser: the same flows as the JSON API (src/flows/webhooks.ts). A form
 * action that needs a fresh re-authentication takes the pages' shared "Confirm it's you" detour.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { actingOf } from '../http/request.ts';
import { pageFrame } from '../pages/page.ts';
import { requireManager } from '../orgs/service.ts';
import {
  createOrgWebhook,
  deleteOrgWebhook,
  listOrgWebhooks,
  redeliverWebhookMessage,
  rotateOrgWebhookSecret,
  updateOrgWebhook,
  webhookDeliveries,
} from '../flows/webhooks.ts';
import { WEBHOOKS } from '../config/defaults.ts';
import { webhooksView, webhookView } from './views.ts';
import type { LocalizableError, T } from '../i18n/index.ts';

type Body = Record<string, string | string[] | undefined>;

/** What a form action says on the page it shows next, in the reader's language. */
interface Message {
  readonly kind: 'error' | 'success';
  readonly text: (t: T) => string;
}

export async function webhookPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;
  const actorOf = (request: FastifyRequest) => actingOf(request);
  const ids = (request: FastifyRequest) => request.params as { orgId: string; webhookId?: string; deliveryId?: string };

  async function list(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    secret: string | null,
    message: Message | null,
  ) {
    const actor = actorOf(request);
    const { org } = await requireManager(ctx, ids(request).orgId, actor.session.userId);
    const webhooks = await listOrgWebhooks(ctx, actor, org.id);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('apps:webhooks.title', { org: org.name }),
      webhooksView(t, org.id, org.name, webhooks, frame.csrf, secret, shown(t, message)),
    );
  }

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    secret: string | null,
    message: Message | null,
  ) {
    const actor = actorOf(request);
    const { orgId, webhookId } = ids(request);
    const webhook = (await listOrgWebhooks(ctx, actor, orgId)).find((w) => w.id === webhookId);
    if (!webhook) throw new AppError('not_found');
    const deliveries = await webhookDeliveries(ctx, actor, orgId, webhook.id);
    const frame = await pageFrame(ctx, request, reply);
    const t = frame.t;
    return frame.send(
      status,
      t('apps:webhooks.endpointTitle'),
      webhookView(t, orgId, webhook, deliveries, frame.csrf, secret, shown(t, message), ctx.clock().toISOString()),
    );
  }

  const shown = (t: T, message: Message | null) => (message ? { kind: message.kind, text: message.text(t) } : null);

  /** Runs a form action's flow; a 4xx it throws is shown on the page, "confirm it's you" is a detour. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    work: () => Promise<{ secret?: string; text: (t: T) => string; status?: number }>,
    render: typeof list,
  ) {
    try {
      const done = await work();
      return render(request, reply, done.status ?? 200, done.secret ?? null, { kind: 'success', text: done.text });
    } catch (error) {
      // "Confirm it's you" is the pages' shared detour (src/pages/confirm-pages.ts), not this page's.
      if (!(error instanceof AppError) || error.status >= 500 || error.code === 'reauthentication_required')
        throw error;
      if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
      const problem: LocalizableError = error;
      return render(request, reply, error.status, null, { kind: 'error', text: (t) => t.error(problem) });
    }
  }

  app.get('/orgs/:orgId/webhooks', async (request, reply) => list(request, reply, 200, null, null));
  app.get('/orgs/:orgId/webhooks/:webhookId', async (request, reply) => detail(request, reply, 200, null, null));

  app.post('/orgs/:orgId/webhooks', async (request, reply) =>
    act(
      request,
      reply,
      async () => {
        const body = (request.body ?? {}) as Body;
        const events = ([] as string[]).concat(body.events ?? []).slice(0, 50);
        const url = typeof body.url === 'string' ? body.url.slice(0, WEBHOOKS.maxUrlLength + 1) : '';
        const created = await createOrgWebhook(ctx, actorOf(request), ids(request).orgId, {
          url,
          events: events.includes('*') ? ['*', ...events.filter((e) => e === 'sign_in.succeeded')] : events,
        });
        return {
          status: 201,
          secret: created.secret,
          text: (t: T) => t('apps:webhooks.added', { url: created.webhook.url }),
        };
      },
      list,
    ),
  );

  app.post('/orgs/:orgId/webhooks/:webhookId/toggle', async (request, reply) =>
    act(
      request,
      reply,
      async () => {
        const { orgId, webhookId } = ids(request);
        const current = (await listOrgWebhooks(ctx, actorOf(request), orgId)).find((w) => w.id === webhookId);
        if (!current) throw new AppError('not_found');
        const updated = await updateOrgWebhook(ctx, actorOf(request), orgId, webhookId!, { enabled: !current.enabled });
        return { text: (t: T) => t(updated.enabled ? 'apps:webhooks.isOn' : 'apps:webhooks.isOff') };
      },
      detail,
    ),
  );

  app.post('/orgs/:orgId/webhooks/:webhookId/rotate-secret', async (request, reply) =>
    act(
      request,
      reply,
      async () => {
        const { orgId, webhookId } = ids(request);
        const hours = Number((request.body as Body | undefined)?.keepOldSecretHours ?? WEBHOOKS.defaultOverlapHours);
        const rotated = await rotateOrgWebhookSecret(ctx, actorOf(request), orgId, webhookId!, hours);
        return { secret: rotated.secret, text: (t: T) => t('apps:webhooks.secretMade') };
      },
      detail,
    ),
  );

  app.post('/orgs/:orgId/webhooks/:webhookId/delete', async (request, reply) =>
    act(
      request,
      reply,
      async () => {
        const { orgId, webhookId } = ids(request);
        await deleteOrgWebhook(ctx, actorOf(request), orgId, webhookId!);
        return { text: (t: T) => t('apps:webhooks.deleted') };
      },
      list,
    ),
  );

  app.post('/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId/redeliver', async (request, reply) =>
    act(
      request,
      reply,
      async () => {
        const { orgId, webhookId, deliveryId } = ids(request);
        await redeliverWebhookMessage(ctx, actorOf(request), orgId, webhookId!, deliveryId!);
        return { status: 202, text: (t: T) => t('apps:webhooks.redelivered') };
      },
      detail,
    ),
  );
}
