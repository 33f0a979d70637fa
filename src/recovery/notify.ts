/**
 * Recovery start and completion are told on every channel the account has, not only its mailbox
 * (docs/product.md "Recovery when everything is lost"): the email (src/mail/templates.ts) and each verified
 * phone number, through the phone provider (SMS_PROVIDER; the outbox in development). A number registered
 * for calls gets a call that reads the notice, since it may be a landline. A notice carries no code.
 *
 * Notices do not count against the code-sending caps: they go only to numbers the account verified, once
 * per recovery step, and the steps are throttled themselves. A provider failure is audited and does not
 * undo or stop the recovery step; the email has gone out regardless.
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { DeliveryError } from '../delivery/port.ts';
import { composeNotice, phoneProvider } from '../factors/phone/delivery.ts';
import type { PhoneFactorRow } from '../factors/phone/store.ts';
import { maskPhone } from '../factors/phone/numbers.ts';
import { utcMinute } from './guard.ts';

export type RecoveryNoticeKind =
  | { readonly kind: 'started'; readonly completesAt: string; readonly cancelUrl: string }
  | { readonly kind: 'completed' };

export function noticeText(productName: string, channel: 'sms' | 'voice', notice: RecoveryNoticeKind): string {
  if (notice.kind === 'completed') {
    return `${productName}: recovery of your account completed. Its two-factor methods, this number included, were removed. If this was not you, contact your administrator now.`;
  }
  const when = utcMinute(notice.completesAt);
  return channel === 'sms'
    ? `${productName}: someone started recovery of your account. Unless it is cancelled, its two-factor methods are removed on ${when}. Not you? Cancel it: ${notice.cancelUrl}`
    : `This is ${productName}. Someone started recovery of your account. Unless it is cancelled, its two-factor methods are removed on ${when}. If this was not you, cancel it with the link we sent by email and text message, or contact your administrator.`;
}

/** Sends the notice to every number; returns how many the provider took. */
export async function announceByPhone(
  ctx: Ctx,
  userId: string,
  phones: readonly PhoneFactorRow[],
  notice: RecoveryNoticeKind,
  meta: RequestMeta | null,
): Promise<number> {
  const provider = phoneProvider(ctx);
  let sent = 0;
  for (const phone of phones) {
    try {
      await provider.send(
        composeNotice(phone.e164, phone.channel, noticeText(ctx.config.productName, phone.channel, notice)),
      );
      sent += 1;
    } catch (error) {
      // Anything but a DeliveryError is a fault of ours (a 500), as for codes.
      if (!(error instanceof DeliveryError)) throw error;
      await audit(ctx, meta, {
        event: 'phone.delivery_failed',
        targetUserId: userId,
        details: {
          provider: provider.name,
          channel: phone.channel,
          purpose: `recovery_${notice.kind}`,
          failure: error.failure,
          status: error.status,
          to: maskPhone(phone.e164),
        },
      });
    }
  }
  return sent;
}
