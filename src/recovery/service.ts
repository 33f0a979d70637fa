/**
 * Lost everything (PRODUCT.md "Recovery when everything is lost"): from a pending sign-in challenge
 * (the password is proven) an emailed link (1 h, single use, hashed) starts a recovery that completes
 * only after a delay (24 h by default). The account is told at once — by email, by SMS to its verified
 * numbers, and on every signed-in page — with a cancel link; a sign-in with a second factor during the
 * delay cancels it. When it is due, the next password sign-in removes every factor (like an admin reset).
 * An org may turn this off: then the admin sees a "needs reset" request.
 *
 * Every entry point (JSON routes, pages) goes through the functions here, and each step asks the guard
 * (./guard.ts): within a week of a password reset by email, no step is possible — the mailbox alone never
 * removes two-factor authentication. The links are throttled per client IP here too.
 */
import { RATE_LIMITS, RECOVERY } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { listPhones } from '../factors/phone/store.ts';
import { recoveryTemplates } from '../mail/templates.ts';
import { hitRateLimit } from '../throttle/store.ts';
import { dbRateLimiter } from '../throttle/rate-limiter.ts';
import { assertRecoveryAllowed, pendingRecovery, recoveryBlockedUntil } from './guard.ts';
import { announceByPhone } from './notify.ts';

export { pendingRecovery };

/** Confirm and cancel links are bearer secrets from anonymous callers: counted per client IP first. */
async function limitLinkUse(ctx: Ctx, meta: RequestMeta): Promise<void> {
  const rule = RATE_LIMITS.recoveryLink;
  const result = await (ctx.rateLimiter ?? dbRateLimiter(ctx.db)).hit(
    `ip:recovery-link:${meta.ip}`,
    rule.limit,
    rule.windowSeconds,
    ctx.clock(),
  );
  if (!result.allowed)
    throw new AppError('rate_limited', {
      message: 'Too many recovery links were opened from your network. Try again later.',
      retryAfterSeconds: result.retryAfterSeconds,
    });
}

/** Org names that turned self-service recovery off for this user (strictest wins). */
export async function orgsWithoutSelfService(ctx: Ctx, userId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select('o.name')
    .where('m.user_id', '=', userId)
    .where('o.self_service_recovery', '=', 0)
    .execute();
  return rows.map((r) => r.name);
}

export type StartResult =
  { readonly status: 'email_sent' } | { readonly status: 'contact_admin'; readonly orgs: readonly string[] };

/** Step 1: the person on the challenge page asks for recovery. Throttled per account and per IP. */
export async function startRecovery(
  ctx: Ctx,
  user: { id: string; email: string },
  meta: RequestMeta,
): Promise<StartResult> {
  const now = ctx.clock();
  for (const [key, limit] of [
    [`recovery:user:${user.id}`, RECOVERY.perAccountPerHour],
    [`recovery:ip:${meta.ip}`, RECOVERY.perIpPerHour],
  ] as const) {
    const hit = await hitRateLimit(ctx.db, key, limit, 3600, now);
    if (!hit.allowed) throw new AppError('rate_limited', { retryAfterSeconds: hit.retryAfterSeconds });
  }
  const blocking = await orgsWithoutSelfService(ctx, user.id);
  if (blocking.length > 0) {
    const open = await ctx.db.kysely
      .selectFrom('recoveries')
      .select('id')
      .where('user_id', '=', user.id)
      .where('status', '=', 'needs_admin')
      .executeTakeFirst();
    if (!open) {
      await ctx.db.kysely
        .insertInto('recoveries')
        .values({
          id: randomId(),
          user_id: user.id,
          status: 'needs_admin',
          link_token_hash: null,
          link_expires_at: null,
          cancel_token_hash: null,
          created_at: now.toISOString(),
          started_at: null,
          completes_at: null,
          ended_at: null,
          ip: meta.ip,
        })
        .execute();
      await audit(ctx, meta, { event: 'recovery.admin_requested', actorUserId: user.id, targetUserId: user.id });
    }
    return { status: 'contact_admin', orgs: blocking };
  }
  await assertRecoveryAllowed(ctx, user.id, 'request', meta);
  const token = randomToken(RECOVERY.tokenBytes);
  await ctx.db.kysely
    .insertInto('recoveries')
    .values({
      id: randomId(),
      user_id: user.id,
      status: 'emailed',
      link_token_hash: sha256Hex(token),
      link_expires_at: addSeconds(now, RECOVERY.linkSeconds).toISOString(),
      cancel_token_hash: null,
      created_at: now.toISOString(),
      started_at: null,
      completes_at: null,
      ended_at: null,
      ip: meta.ip,
    })
    .execute();
  await audit(ctx, meta, { event: 'recovery.requested', actorUserId: user.id, targetUserId: user.id });
  await ctx.mail.send(
    recoveryTemplates.link(user.email, {
      productName: ctx.config.productName,
      url: link(ctx, `/recovery/confirm?token=${encodeURIComponent(token)}`),
      delayHours: ctx.config.recoveryDelayHours,
    }),
    now,
  );
  return { status: 'email_sent' };
}

/**
 * Step 2: the emailed link starts the delay (single use, compare-and-swap) and notifies the account on
 * every channel. A link asked for before a password reset by email and opened after it is refused too.
 */
export async function confirmRecovery(ctx: Ctx, token: string, meta: RequestMeta): Promise<{ completesAt: string }> {
  await limitLinkUse(ctx, meta);
  const now = ctx.clock();
  const row = await ctx.db.kysely
    .selectFrom('recoveries as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.user_id', 'r.status', 'r.link_expires_at', 'u.email'])
    .where('r.link_token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.status !== 'emailed' || !row.link_expires_at || row.link_expires_at <= now.toISOString())
    throw new AppError('invalid_token');
  await assertRecoveryAllowed(ctx, row.user_id, 'start', meta);
  const cancelToken = randomToken(RECOVERY.tokenBytes);
  const completesAt = addSeconds(now, ctx.config.recoveryDelayHours * 3600).toISOString();
  const started = await ctx.db.kysely
    .updateTable('recoveries')
    .set({
      status: 'pending',
      started_at: now.toISOString(),
      completes_at: completesAt,
      cancel_token_hash: sha256Hex(cancelToken),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'emailed')
    .executeTakeFirst();
  if (Number(started.numUpdatedRows) !== 1) throw new AppError('invalid_token');
  // A newer recovery supersedes every other open one of the same account.
  await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'superseded', ended_at: now.toISOString() })
    .where('user_id', '=', row.user_id)
    .where('id', '!=', row.id)
    .where('status', 'in', ['emailed', 'pending'])
    .execute();
  await audit(ctx, meta, {
    event: 'recovery.started',
    actorUserId: row.user_id,
    targetUserId: row.user_id,
    details: { completesAt },
  });
  const cancelUrl = link(ctx, `/recovery/cancel?token=${encodeURIComponent(cancelToken)}`);
  await ctx.mail.send(
    recoveryTemplates.started(row.email, { productName: ctx.config.productName, completesAt, cancelUrl }),
    now,
  );
  await announceByPhone(
    ctx,
    row.user_id,
    await listPhones(ctx, row.user_id),
    { kind: 'started', completesAt, cancelUrl },
    meta,
  );
  return { completesAt };
}

async function cancelWhere(
  ctx: Ctx,
  filter: { cancelTokenHash: string } | { userId: string },
  reason: string,
  meta: RequestMeta | null,
): Promise<number> {
  const now = ctx.clock().toISOString();
  let q = ctx.db.kysely
    .selectFrom('recoveries')
    .select(['id', 'user_id'])
    .where('status', 'in', ['emailed', 'pending']);
  q =
    'cancelTokenHash' in filter
      ? q.where('cancel_token_hash', '=', filter.cancelTokenHash)
      : q.where('user_id', '=', filter.userId);
  let cancelled = 0;
  for (const row of await q.execute()) {
    const result = await ctx.db.kysely
      .updateTable('recoveries')
      .set({ status: 'cancelled', ended_at: now })
      .where('id', '=', row.id)
      .where('status', 'in', ['emailed', 'pending'])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) continue;
    cancelled += 1;
    await audit(ctx, meta, {
      event: 'recovery.cancelled',
      actorUserId: row.user_id,
      targetUserId: row.user_id,
      details: { reason },
    });
  }
  return cancelled;
}

/** Cancel from the emailed (or texted) link. */
export async function cancelRecoveryByToken(ctx: Ctx, token: string, meta: RequestMeta): Promise<void> {
  await limitLinkUse(ctx, meta);
  if ((await cancelWhere(ctx, { cancelTokenHash: sha256Hex(token) }, 'cancel_link', meta)) === 0)
    throw new AppError('invalid_token');
}

/** Cancel from a signed-in session, or because the person just signed in with a second factor. */
export async function cancelRecoveriesOf(
  ctx: Ctx,
  userId: string,
  reason: 'signed_in_session' | 'signed_in_with_factor',
  meta: RequestMeta | null,
): Promise<number> {
  return cancelWhere(ctx, { userId }, reason, meta);
}

/**
 * Step 3, for the password step: when a recovery is due, mark it completed (compare-and-swap); the sign-in
 * flow then removes every factor, backup code, trusted device and session like an admin reset (true: it is
 * the caller's to do). A recovery still pending when the password is reset by email is not cancelled, but it
 * cannot complete until the week after that reset has passed (it stays pending and shown with that later date).
 */
export async function claimDueRecovery(
  ctx: Ctx,
  user: { id: string; email: string },
  meta: RequestMeta,
): Promise<boolean> {
  const now = ctx.clock().toISOString();
  const due = await ctx.db.kysely
    .selectFrom('recoveries')
    .select('id')
    .where('user_id', '=', user.id)
    .where('status', '=', 'pending')
    .where('completes_at', '<=', now)
    .executeTakeFirst();
  if (!due) return false;
  const blockedUntil = await recoveryBlockedUntil(ctx, user.id);
  if (blockedUntil) {
    await audit(ctx, meta, {
      event: 'recovery.refused',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { step: 'complete', reason: 'recent_password_reset', availableAt: blockedUntil },
    });
    return false;
  }
  const done = await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'completed', ended_at: now })
    .where('id', '=', due.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** After a 2FA reset: the member's "needs reset" requests are answered. */
export async function resolveAdminRequests(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'resolved', ended_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .where('status', '=', 'needs_admin')
    .execute();
}

/** Members of an org who asked for help while self-service recovery is off. */
export async function openAdminRequests(ctx: Ctx, orgId: string): Promise<Set<string>> {
  const rows = await ctx.db.kysely
    .selectFrom('recoveries as r')
    .innerJoin('memberships as m', 'm.user_id', 'r.user_id')
    .select('r.user_id')
    .where('m.org_id', '=', orgId)
    .where('r.status', '=', 'needs_admin')
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
