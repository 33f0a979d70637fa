/**
 * OpenID Connect Back-Channel Logout 1.0: when a user's sessions at twofold end, every app that registered a
 * `backchannel_logout_uri` and had a session or a grant of that user is told, server to server, with a
 * signed logout token. This file is the only writer of `oidc_logout_deliveries`.
 *
 * Reliable and out of the request: the notifications enter a database outbox in the same transaction that
 * ends the sessions (a committed sign-out is announced at least once, a rolled-back one never), and are sent
 * after commit and by the periodic poll, with retries — the webhooks' machinery (claim, guarded POST, no
 * redirects, SSRF rule, outcome class only). The token is signed when it is sent, so a retry carries a fresh
 * `iat`/`exp`.
 */
import type { Ctx } from '../context.ts';
import type { Db } from '../db/connect.ts';
import { BACKCHANNEL_LOGOUT } from '../config/defaults.ts';
import { randomToken, signJwtRs256 } from '../crypto/index.ts';
import { postGuarded } from '../webhooks/targets.ts';
import { issuerOf } from './assurance.ts';
import { loadSigningKeys } from './keys.ts';

/** The `events` member of a logout token (§2.4). */
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutTarget {
  readonly clientId: string;
  /** The user's `sub` (twofold's subjects are the account ids). */
  readonly subject: string;
  /** The provider session's `sid` for that app; null: every session of the user at the app. */
  readonly sid: string | null;
}

interface StoredSession {
  readonly accountId?: string;
  readonly authorizations?: Record<string, { sid?: string }>;
}

/**
 * Whom to tell when the user's provider sessions end: each (app, sid) of those sessions; with `grants`
 * (their grants and tokens end too), also each app holding a grant without a live session, by `sub` alone.
 * Only apps with a back-channel logout URI, and only the org's apps when `orgId` is given.
 */
export async function logoutTargets(
  db: Db,
  userId: string,
  scope: { readonly grants: boolean; readonly orgId?: string },
): Promise<LogoutTarget[]> {
  const sessions = await db.kysely
    .selectFrom('oidc_payloads')
    .select('payload')
    .where('model', '=', 'Session')
    .where('account_id', '=', userId)
    .execute();
  const pairs: Array<{ clientId: string; sid: string | null }> = [];
  for (const row of sessions) {
    const session = JSON.parse(row.payload) as StoredSession;
    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {}))
      if (authorization.sid) pairs.push({ clientId, sid: authorization.sid });
  }
  if (scope.grants) {
    const grants = await db.kysely
      .selectFrom('oidc_payloads')
      .select('client_id')
      .distinct()
      .where('model', '=', 'Grant')
      .where('account_id', '=', userId)
      .execute();
    for (const { client_id } of grants)
      if (client_id && !pairs.some((p) => p.clientId === client_id)) pairs.push({ clientId: client_id, sid: null });
  }
  if (pairs.length === 0) return [];
  let apps = db.kysely
    .selectFrom('oidc_clients')
    .select('id')
    .where('id', 'in', [...new Set(pairs.map((p) => p.clientId))])
    .where('backchannel_logout_uri', 'is not', null);
  if (scope.orgId) apps = apps.where('org_id', '=', scope.orgId);
  const listening = new Set((await apps.execute()).map((a) => a.id));
  // A notification still waiting to be sent says the same thing: not queued twice.
  const pending = await db.kysely
    .selectFrom('oidc_logout_deliveries')
    .select(['client_id', 'sid'])
    .where('subject', '=', userId)
    .where('status', '=', 'pending')
    .execute();
  const seen = new Set<string>(pending.map((p) => `${p.client_id} ${p.sid ?? ''}`));
  return pairs
    .filter((p) => listening.has(p.clientId))
    .filter((p) => {
      const key = `${p.clientId} ${p.sid ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((p) => ({ clientId: p.clientId, subject: userId, sid: p.sid }));
}

/** Queues one notification per target (in the caller's transaction) and asks for delivery after commit. */
export async function queueLogouts(ctx: Ctx, targets: readonly LogoutTarget[]): Promise<void> {
  if (targets.length === 0) return;
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('oidc_logout_deliveries')
    .values(
      targets.map((t) => ({
        id: `tfl_${randomToken(16)}`,
        client_id: t.clientId,
        subject: t.subject,
        sid: t.sid,
        status: 'pending' as const,
        next_attempt_at: now,
        last_attempt_at: null,
        response_status: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .execute();
  const kick = (committed: Ctx) => void deliverDueLogouts(committed).catch(() => undefined);
  if (ctx.afterCommit) ctx.afterCommit.push(() => kick(ctx.committed ?? ctx));
  else if (!ctx.db.kysely.isTransaction) kick(ctx);
  // Inside a transaction without an after-commit list, the periodic poll sends it.
}

/** The logout token (§2.4): iss, aud, iat, exp, jti, events, sub and sid; never a nonce. */
function logoutToken(
  ctx: Ctx,
  key: Record<string, string>,
  row: { client_id: string; subject: string; sid: string | null },
): string {
  const iat = Math.floor(ctx.clock().getTime() / 1000);
  return signJwtRs256(
    key,
    { typ: 'logout+jwt' },
    {
      iss: issuerOf(ctx.config.publicUrl),
      aud: row.client_id,
      iat,
      exp: iat + BACKCHANNEL_LOGOUT.tokenSeconds,
      jti: randomToken(16),
      sub: row.subject,
      ...(row.sid ? { sid: row.sid } : {}),
      events: { [LOGOUT_EVENT]: {} },
    },
  );
}

async function record(
  ctx: Ctx,
  id: string,
  outcome: {
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: Date | null;
    responseStatus: number | null;
    error: string | null;
  },
): Promise<void> {
  const at = ctx.clock().toISOString();
  await ctx.db.kysely
    .updateTable('oidc_logout_deliveries')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      last_attempt_at: at,
      next_attempt_at: outcome.nextAttemptAt?.toISOString() ?? null,
      response_status: outcome.responseStatus,
      last_error: outcome.error,
      ...(outcome.status === 'delivered' ? { delivered_at: at } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Sends every due notification (a batch): claim the attempt (compare-and-swap on its due time, so two
 * instances never send the same one) → sign → POST `logout_token` → delivered on 200/204 (§2.8), else
 * retried on the schedule, then failed. Returns how many were delivered.
 */
export async function deliverDueLogouts(ctx: Ctx): Promise<number> {
  const now = ctx.clock();
  const due = await ctx.db.kysely
    .selectFrom('oidc_logout_deliveries as d')
    .innerJoin('oidc_clients as c', 'c.id', 'd.client_id')
    .select([
      'd.id',
      'd.client_id',
      'd.subject',
      'd.sid',
      'd.attempts',
      'd.next_attempt_at',
      'c.backchannel_logout_uri',
    ])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now.toISOString())
    .orderBy('d.next_attempt_at')
    .limit(BACKCHANNEL_LOGOUT.batchSize)
    .execute();
  if (due.length === 0) return 0;
  const [key] = (await loadSigningKeys(ctx)).keys;
  let delivered = 0;
  for (const row of due) {
    const claimUntil = new Date(now.getTime() + BACKCHANNEL_LOGOUT.timeoutMs + 5_000).toISOString();
    const claimed = await ctx.db.kysely
      .updateTable('oidc_logout_deliveries')
      .set({ next_attempt_at: claimUntil })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const attempts = Number(row.attempts) + 1;
    if (!row.backchannel_logout_uri) {
      await record(ctx, row.id, {
        status: 'failed',
        attempts: Number(row.attempts),
        nextAttemptAt: null,
        responseStatus: null,
        error: 'no_logout_uri',
      });
      continue;
    }
    const result = await postGuarded(
      row.backchannel_logout_uri,
      new URLSearchParams({ logout_token: logoutToken(ctx, key!, row) }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'twofold-backchannel-logout' },
      { allowPrivate: ctx.config.webhookAllowPrivateTargets, timeoutMs: BACKCHANNEL_LOGOUT.timeoutMs },
    );
    // §2.8: the RP answers 200 OK (204 is accepted too); anything else is a failure to retry.
    if (result.ok && (result.status === 200 || result.status === 204)) {
      delivered += 1;
      await record(ctx, row.id, {
        status: 'delivered',
        attempts,
        nextAttemptAt: null,
        responseStatus: result.status,
        error: null,
      });
      continue;
    }
    const wait = BACKCHANNEL_LOGOUT.retryScheduleSeconds[attempts - 1];
    await record(ctx, row.id, {
      status: wait === undefined ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: wait === undefined ? null : new Date(ctx.clock().getTime() + wait * 1000),
      responseStatus: result.status,
      error: result.error ?? `http_${result.status}`,
    });
  }
  return delivered;
}

/** Housekeeping: finished notifications created before `before`. */
export async function pruneLogoutDeliveries(ctx: Ctx, before: string): Promise<number> {
  const result = await ctx.db.kysely
    .deleteFrom('oidc_logout_deliveries')
    .where('status', '!=', 'pending')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
