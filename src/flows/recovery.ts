/**
 * Lost everything (docs/product.md "Recovery when everything is lost"): from a pending sign-in challenge
 * (the password is proven) an emailed link (1 h, single use, hashed) starts a recovery that completes
 * only after a delay (24 h by default). The account is told at once — by email, by SMS to its verified
 * numbers, and on every signed-in page — with a cancel link; a sign-in with a second factor during the
 * delay cancels it. When it is due, the next password sign-in removes every factor (like an admin reset:
 * completeDueRecovery below). An org may turn this off: then the admin sees a "needs
 * reset" request.
 *
 * Every entry point (JSON routes, pages) goes through the functions here, and each step asks the guard
 * (src/recovery/guard.ts): within a week of a password reset by email, no step is possible — the mailbox
 * alone never removes two-factor authentication. The links are throttled per client IP here too.
 */
import { RATE_LIMITS, RECOVERY } from '../config/defaults.ts';
import { randomToken } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { getUser } from '../accounts/service.ts';
import { listPhones } from '../factors/phone/store.ts';
import { recoveryTemplates } from '../mail/templates.ts';
import { assertRecoveryAllowed } from '../recovery/guard.ts';
import { announceByPhone } from '../recovery/notify.ts';
import { cancelRecoveries, cancelRecoveriesOf, claimDueRecovery, orgsWithoutSelfService } from '../recovery/service.ts';
import { findEmailedRecovery, insertEmailedRecovery, requestAdminHelp, startDelay } from '../recovery/store.ts';
import { liveChallenge } from '../sessions/challenge.ts';
import { hitRateLimit } from '../throttle/store.ts';
import { limitByIp } from './limits.ts';
import type { Acting } from './acting.ts';
import { resetTwoFactor, type FactorOwner } from './two-factor.ts';

/** Confirm and cancel links are bearer secrets from anonymous callers: counted per client IP first. */
async function limitLinkUse(ctx: Ctx, meta: RequestMeta): Promise<void> {
  await limitByIp(ctx, meta, 'recovery-link', RATE_LIMITS.recoveryLink).catch((error: unknown) => {
    if (!(error instanceof AppError) || error.code !== 'rate_limited') throw error;
    throw new AppError('rate_limited', {
      key: 'errors:messages.recovery.tooManyLinks',
      retryAfterSeconds: error.retryAfterSeconds ?? undefined,
    });
  });
}

export type StartResult =
  { readonly status: 'email_sent' } | { readonly status: 'contact_admin'; readonly orgs: readonly string[] };

/**
 * Step 1: the person on the challenge page (named by the challenge cookie's token) asks for recovery.
 * Throttled per account and per IP.
 */
export async function startRecovery(
  ctx: Ctx,
  challengeToken: string | undefined,
  meta: RequestMeta,
): Promise<StartResult> {
  const challenge = await liveChallenge(ctx, challengeToken);
  const user = await getUser(ctx, challenge.userId);
  if (!user) throw new AppError('challenge_expired');
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
    if (await requestAdminHelp(ctx, user.id, meta.ip))
      await audit(ctx, meta, { event: 'recovery.admin_requested', actorUserId: user.id, targetUserId: user.id });
    return { status: 'contact_admin', orgs: blocking };
  }
  await assertRecoveryAllowed(ctx, user.id, 'request', meta);
  const token = randomToken(RECOVERY.tokenBytes);
  await insertEmailedRecovery(ctx, user.id, token, meta.ip);
  await audit(ctx, meta, { event: 'recovery.requested', actorUserId: user.id, targetUserId: user.id });
  await ctx.mail.send(
    recoveryTemplates.link(user, {
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
  const recovery = await findEmailedRecovery(ctx, token);
  if (!recovery) throw new AppError('invalid_token');
  await assertRecoveryAllowed(ctx, recovery.userId, 'start', meta);
  const cancelToken = randomToken(RECOVERY.tokenBytes);
  const completesAt = addSeconds(now, ctx.config.recoveryDelayHours * 3600).toISOString();
  if (!(await startDelay(ctx, recovery, completesAt, cancelToken))) throw new AppError('invalid_token');
  await audit(ctx, meta, {
    event: 'recovery.started',
    actorUserId: recovery.userId,
    targetUserId: recovery.userId,
    details: { completesAt },
  });
  const cancelUrl = link(ctx, `/recovery/cancel?token=${encodeURIComponent(cancelToken)}`);
  await ctx.mail.send(
    recoveryTemplates.started(recovery, { productName: ctx.config.productName, completesAt, cancelUrl }),
    now,
  );
  await announceByPhone(
    ctx,
    { id: recovery.userId, locale: recovery.locale, timeZone: recovery.timeZone },
    await listPhones(ctx, recovery.userId),
    { kind: 'started', completesAt, cancelUrl },
    meta,
  );
  return { completesAt };
}

/** Cancel from the emailed (or texted) link. */
export async function cancelRecoveryByToken(ctx: Ctx, token: string, meta: RequestMeta): Promise<void> {
  await limitLinkUse(ctx, meta);
  if ((await cancelRecoveries(ctx, { cancelToken: token }, 'cancel_link', meta)) === 0)
    throw new AppError('invalid_token');
}

/** Cancel from a signed-in session; returns how many open recoveries it cancelled. */
export async function cancelOwnRecovery(ctx: Ctx, by: Acting): Promise<number> {
  return cancelRecoveriesOf(ctx, by.session.userId, 'signed_in_session', by.meta);
}

/**
 * Completing a due recovery, at the password step of a sign-in: the recovery is marked completed, then every
 * factor, backup code, trusted device and session goes like an admin reset, and the numbers that were on the
 * account are told (read before the reset removes them). True when a recovery was due and completed now: the
 * sign-in goes on without a second step.
 */
export async function completeDueRecovery(ctx: Ctx, user: FactorOwner, meta: RequestMeta): Promise<boolean> {
  if (!(await claimDueRecovery(ctx, user, meta))) return false;
  const phones = await listPhones(ctx, user.id);
  await resetTwoFactor(ctx, user, { actorUserId: user.id, orgId: null, reason: 'account recovery' }, meta, 'recovery');
  await audit(ctx, meta, { event: 'recovery.completed', actorUserId: user.id, targetUserId: user.id });
  await announceByPhone(ctx, user, phones, { kind: 'completed' }, meta);
  return true;
}
