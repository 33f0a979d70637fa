/**
 * Sending a code by email, as ordered checks: resend cooldown claimed → per-user cap counted → code stored
 * in the shared sent codes → email queued in the outbox → older codes of the binding superseded → audit.
 * Used by the email factor (sign-in, setup, re-authentication) and by the new-device check. The outbox keeps
 * the email until the mail server takes it, so a code is never lost to a slow mail server.
 */
import { EMAIL_CODE } from '../../config/defaults.ts';
import { audit, type Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RequestMeta } from '../../audit/store.ts';
import { codeTemplates, type EmailCodeReason, type Recipient } from '../../mail/templates.ts';
import { hitRateLimit, releaseRateLimitHit } from '../../throttle/store.ts';
import { claimCooldown, issueCode, releaseCooldown, supersedeOthers, type CodeBinding } from '../sent-codes.ts';

export interface SentEmailCode {
  /** The address, partly hidden ("a•••@example.com"). */
  readonly sentTo: string;
  readonly channel: 'email';
  readonly expiresAt: string;
  readonly resendAfterSeconds: number;
}

/** "a•••@example.com": enough for the person to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${address[0]}•••${address.slice(at)}`;
}

export async function sendEmailCode(
  ctx: Ctx,
  binding: CodeBinding,
  to: Recipient,
  reason: EmailCodeReason,
  meta: RequestMeta,
): Promise<SentEmailCode> {
  const cooldown = await claimCooldown(ctx, binding);
  if (!cooldown.ok) {
    throw new AppError('rate_limited', {
      key: 'errors:messages.code.wait',
      values: { count: cooldown.retryAfterSeconds },
      retryAfterSeconds: cooldown.retryAfterSeconds,
    });
  }
  const key = `email-code:user:${binding.userId}`;
  const at = ctx.clock();
  const cap = await hitRateLimit(ctx.db, key, EMAIL_CODE.perUser.limit, EMAIL_CODE.perUser.windowSeconds, at);
  if (!cap.allowed) {
    await releaseRateLimitHit(ctx.db, key, EMAIL_CODE.perUser.windowSeconds, at);
    await releaseCooldown(ctx, binding, cooldown.availableAt);
    await audit(ctx, meta, {
      event: 'email_code.send_limited',
      targetUserId: binding.userId,
      details: { cap: 'user' },
    });
    throw new AppError('rate_limited', {
      key: 'errors:messages.code.tooManySent',
      retryAfterSeconds: cap.retryAfterSeconds,
    });
  }
  const issued = await issueCode(ctx, binding, { e164: to.email, channel: 'email', phoneFactorId: null });
  const now = ctx.clock();
  await ctx.mail.send(
    codeTemplates.emailCode(to, {
      productName: ctx.config.productName,
      code: issued.code,
      minutes: EMAIL_CODE.codeSeconds / 60,
      reason,
      ...(reason === 'device_check'
        ? { device: { userAgent: meta.userAgent, ip: meta.ip, at: now.toISOString() } }
        : {}),
    }),
    now,
  );
  await supersedeOthers(ctx, binding, issued.id);
  const sentTo = maskAddress(to.email);
  await audit(ctx, meta, {
    event: 'email_code.sent',
    targetUserId: binding.userId,
    details: { purpose: binding.purpose, reason },
  });
  return {
    sentTo,
    channel: 'email',
    expiresAt: issued.expiresAt,
    resendAfterSeconds: EMAIL_CODE.resendCooldownSeconds,
  };
}
