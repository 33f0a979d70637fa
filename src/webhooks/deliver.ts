/**
 * Sending queued webhook messages, as ordered steps per message: claim the attempt (so two instances never
 * send the same one) → endpoint still on? → sign with the current (and, during a rotation, the previous)
 * secret → POST with a time limit, to a checked address, no redirects → record the outcome: delivered; or
 * retried on the schedule; or failed, and the endpoint turned off once its last messages all failed.
 * Only the failure's class is kept (`timeout`, `http_500`…), never a response body.
 */
import { WEBHOOKS } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import { recipientOf, securityTemplates } from '../mail/templates.ts';
import { signDelivery } from './signature.ts';
import { postGuarded } from './targets.ts';
import {
  claimDelivery,
  dueDeliveries,
  failPendingDeliveries,
  recentOutcomes,
  recordAttempt,
  signingSecrets,
  updateWebhook,
} from './store.ts';

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
    .select(['u.email', 'u.locale', 'u.time_zone', 'o.name'])
    .where('m.org_id', '=', orgId)
    .where('m.role', '=', 'owner')
    .execute();
  for (const owner of owners) {
    await ctx.mail.send(
      securityTemplates.webhookDisabled(recipientOf(owner), {
        productName: ctx.config.productName,
        orgName: owner.name,
        url,
      }),
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
    const result = await postGuarded(
      row.url,
      row.payload,
      { 'content-type': 'application/json', 'user-agent': 'twofold-webhooks', ...headers },
      { allowPrivate: ctx.config.webhookAllowPrivateTargets, timeoutMs: WEBHOOKS.timeoutMs },
    );
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
