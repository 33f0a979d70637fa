/**
 * Sending queued webhook messages, as ordered steps per message: claim the attempt (so two instances never
 * send the same one) → endpoint still on? → sign with the current (and, during a rotation, the previous)
 * secret → POST with a time limit, to a checked address, no redirects → record the outcome: delivered; or
 * retried on the schedule; or failed, and the endpoint turned off once its last messages all failed.
 * Only the failure's class is kept (`timeout`, `http_500`…), never a response body.
 */
import http from 'node:http';
import https from 'node:https';
import { WEBHOOKS } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import { securityTemplates } from '../mail/templates.ts';
import { signDelivery } from './signature.ts';
import { guardedLookup, refusedLiteral } from './targets.ts';
import {
  claimDelivery,
  dueDeliveries,
  failPendingDeliveries,
  recentOutcomes,
  recordAttempt,
  signingSecrets,
  updateWebhook,
} from './store.ts';

interface SendResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
}

function send(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<SendResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    if (refusedLiteral(target, allowPrivate)) return resolve({ ok: false, status: null, error: 'refused_target' });
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'twofold-webhooks',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        lookup: guardedLookup(allowPrivate),
        timeout: WEBHOOKS.timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume(); // the body is not read, only drained
        response.on('end', () => {
          if (status >= 200 && status < 300) resolve({ ok: true, status, error: null });
          else
            resolve({
              ok: false,
              status,
              error: status >= 300 && status < 400 ? 'redirect_not_followed' : `http_${status}`,
            });
        });
        response.on('error', () => resolve({ ok: false, status, error: 'response_error' }));
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', (error: Error & { code?: string }) => {
      const code =
        error.code === 'REFUSED_TARGET'
          ? 'refused_target'
          : error.code === 'TIMEOUT'
            ? 'timeout'
            : (error.code ?? 'network').toLowerCase();
      resolve({ ok: false, status: null, error: code });
    });
    request.end(body);
  });
}

/** Turns an endpoint off when its last messages all failed every attempt, and tells the org's owners. */
async function disableIfFailing(ctx: Ctx, webhookId: string, orgId: string, url: string): Promise<void> {
  const outcomes = await recentOutcomes(ctx, webhookId, WEBHOOKS.disableAfterFailedMessages);
  if (outcomes.length < WEBHOOKS.disableAfterFailedMessages || outcomes.some((s) => s !== 'failed')) return;
  if (!(await updateWebhook(ctx, orgId, webhookId, { enabled: false, disabledReason: 'failing' }))) return;
  await failPendingDeliveries(ctx, webhookId, 'endpoint_disabled');
  await audit(ctx, null, { event: 'webhook.disabled', orgId, details: { webhookId, reason: 'failing' } });
  const owners = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['u.email', 'o.name'])
    .where('m.org_id', '=', orgId)
    .where('m.role', '=', 'owner')
    .execute();
  for (const owner of owners) {
    await ctx.mail.send(
      securityTemplates.webhookDisabled(owner.email, { productName: ctx.config.productName, orgName: owner.name, url }),
      ctx.clock(),
    );
  }
}

/** Sends every due message (a batch); returns how many were delivered. */
export async function deliverDueWebhooks(ctx: Ctx): Promise<number> {
  const now = ctx.clock();
  const due = await dueDeliveries(ctx, now, WEBHOOKS.batchSize);
  let delivered = 0;
  for (const row of due) {
    const claimUntil = new Date(now.getTime() + WEBHOOKS.timeoutMs + 5_000);
    if (!row.next_attempt_at || !(await claimDelivery(ctx, row.id, row.next_attempt_at, claimUntil))) continue;
    const attempts = Number(row.attempts) + 1;
    if (Number(row.enabled) !== 1) {
      await recordAttempt(ctx, row.id, {
        status: 'failed',
        attempts: Number(row.attempts),
        at: now,
        nextAttemptAt: null,
        responseStatus: null,
        error: 'endpoint_disabled',
      });
      continue;
    }
    const at = ctx.clock();
    const headers = signDelivery(await signingSecrets(ctx, row.webhook_id, at), row.id, at, row.payload);
    const result = await send(row.url, row.payload, { ...headers }, ctx.config.webhookAllowPrivateTargets);
    const after = ctx.clock();
    if (result.ok) {
      delivered += 1;
      await recordAttempt(ctx, row.id, {
        status: 'delivered',
        attempts,
        at: after,
        nextAttemptAt: null,
        responseStatus: result.status,
        error: null,
      });
      continue;
    }
    const wait = WEBHOOKS.retryScheduleSeconds[attempts - 1];
    const next = wait === undefined ? null : new Date(after.getTime() + wait * 1000);
    await recordAttempt(ctx, row.id, {
      status: next ? 'pending' : 'failed',
      attempts,
      at: after,
      nextAttemptAt: next,
      responseStatus: result.status,
      error: result.error,
    });
    if (!next) await disableIfFailing(ctx, row.webhook_id, row.org_id, row.url);
  }
  return delivered;
}
