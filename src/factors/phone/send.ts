/**
 * Sending a code, as ordered checks: method allowed by the org (the policy the flow passes in) → number's
 * country allowed → resend cooldown claimed → SMS-pumping caps counted (user, number, IP) → code stored →
 * provider takes it → older codes superseded → audit.
 *
 * Caps are counted BEFORE the message goes out (atomic counters: 100 parallel sends can never pass more
 * than the cap) and given back when it does not: a refused cap gives back the hits it made, and a
 * provider failure gives back every hit and the cooldown, discards the code and is audited with its class.
 * A delivery failure therefore never counts against the person.
 */
import { PHONE } from '../../config/defaults.ts';
import { audit, type Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RequestMeta } from '../../audit/store.ts';
import type { PhoneChannel } from '../../db/schema.ts';
import { DeliveryError } from '../../delivery/port.ts';
import { hitRateLimit, releaseRateLimitHit } from '../../throttle/store.ts';
import {
  claimCooldown,
  discardCode,
  issueCode,
  releaseCooldown,
  supersedeOthers,
  type CodeBinding,
} from '../sent-codes.ts';
import type { T } from '../../i18n/index.ts';
import { composeMessage, phoneProvider } from './delivery.ts';
import { countryOf, maskPhone } from './numbers.ts';
import type { MethodPolicy } from '../factor.ts';

export interface SendTarget {
  readonly e164: string;
  readonly channel: PhoneChannel;
  readonly phoneFactorId: string | null;
}

export interface SentCode {
  readonly sentTo: string;
  readonly channel: PhoneChannel;
  readonly expiresAt: string;
  readonly resendAfterSeconds: number;
}

/** Refuses a number outside SMS_ALLOWED_COUNTRIES (when the deployment restricts them). */
export function assertCountryAllowed(ctx: Ctx, e164: string): void {
  const allowed = ctx.config.phone.allowedCountries;
  if (allowed.length === 0) return;
  const country = countryOf(e164);
  if (!country || !allowed.includes(country)) {
    throw new AppError('forbidden', {
      key: 'errors:messages.phone.countryRefused',
      details: { field: 'phone' },
    });
  }
}

interface Hit {
  readonly key: string;
  readonly windowSeconds: number;
  readonly at: Date;
}

async function giveBack(ctx: Ctx, hits: readonly Hit[]): Promise<void> {
  for (const hit of hits) await releaseRateLimitHit(ctx.db, hit.key, hit.windowSeconds, hit.at);
}

/** Counts the send against every cap; on the first refusal gives back what it counted and throws 429. */
async function countCaps(ctx: Ctx, userId: string, e164: string, meta: RequestMeta): Promise<Hit[]> {
  const caps = [
    { key: `phone:user:${userId}`, rule: PHONE.perUser, cap: 'user' },
    { key: `phone:number:${e164}`, rule: PHONE.perNumber, cap: 'number' },
    { key: `phone:ip:${meta.ip}`, rule: PHONE.perIp, cap: 'ip' },
  ] as const;
  const hits: Hit[] = [];
  for (const { key, rule, cap } of caps) {
    const at = ctx.clock();
    const result = await hitRateLimit(ctx.db, key, rule.limit, rule.windowSeconds, at);
    hits.push({ key, windowSeconds: rule.windowSeconds, at });
    if (!result.allowed) {
      await giveBack(ctx, hits);
      await audit(ctx, meta, { event: 'phone.send_limited', targetUserId: userId, details: { cap } });
      throw new AppError('rate_limited', {
        key: 'errors:messages.code.tooManySent',
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
  }
  return hits;
}

export async function sendPhoneCode(
  ctx: Ctx,
  binding: CodeBinding,
  target: SendTarget,
  meta: RequestMeta,
  policy: MethodPolicy,
  t: T,
): Promise<SentCode> {
  await policy.assertAllowed(target.channel);
  assertCountryAllowed(ctx, target.e164);
  const cooldown = await claimCooldown(ctx, binding);
  if (!cooldown.ok) {
    throw new AppError('rate_limited', {
      key: 'errors:messages.code.wait',
      values: { count: cooldown.retryAfterSeconds },
      retryAfterSeconds: cooldown.retryAfterSeconds,
    });
  }
  let hits: Hit[];
  try {
    hits = await countCaps(ctx, binding.userId, target.e164, meta);
  } catch (error) {
    await releaseCooldown(ctx, binding, cooldown.availableAt);
    throw error;
  }
  const issued = await issueCode(ctx, binding, target);
  const provider = phoneProvider(ctx);
  try {
    await provider.send(composeMessage(ctx, t, target.e164, target.channel, issued.code));
  } catch (error) {
    await discardCode(ctx, issued.id);
    await giveBack(ctx, hits);
    await releaseCooldown(ctx, binding, cooldown.availableAt);
    // Anything but a DeliveryError is a fault of ours, not the provider's: a 500 after the clean-up.
    if (!(error instanceof DeliveryError)) throw error;
    await audit(ctx, meta, {
      event: 'phone.delivery_failed',
      targetUserId: binding.userId,
      details: {
        provider: provider.name,
        channel: target.channel,
        purpose: binding.purpose,
        failure: error.failure,
        status: error.status,
      },
    });
    throw new AppError('delivery_failed', {
      key: 'errors:messages.phone.deliveryFailed',
      details: { failure: error.failure },
    });
  }
  await supersedeOthers(ctx, binding, issued.id);
  const sentTo = maskPhone(target.e164);
  await audit(ctx, meta, {
    event: 'phone.code_sent',
    targetUserId: binding.userId,
    details: { purpose: binding.purpose, channel: target.channel, to: sentTo, provider: provider.name },
  });
  return {
    sentTo,
    channel: target.channel,
    expiresAt: issued.expiresAt,
    resendAfterSeconds: PHONE.resendCooldownSeconds,
  };
}
