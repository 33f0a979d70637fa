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
import { english, type T } from '../i18n/index.ts';
import { savedTranslator } from '../mail/templates.ts';

export type RecoveryNoticeKind =
  | { readonly kind: 'started'; readonly completesAt: string; readonly cancelUrl: string }
  | { readonly kind: 'completed' };

/** The notice in `t`'s language and time zone (English, UTC by default). */
export function noticeText(
  productName: string,
  channel: 'sms' | 'voice',
  notice: RecoveryNoticeKind,
  t: T = english,
): string {
  if (notice.kind === 'completed') return t('mail:phone.recoveryCompleted', { productName });
  const when = t.when(notice.completesAt);
  return channel === 'sms'
    ? t('mail:phone.recoveryStartedSms', { productName, when, cancelUrl: notice.cancelUrl })
    : t('mail:phone.recoveryStartedVoice', { productName, when });
}

/** Sends the notice to every number, in the account's saved language; returns how many the provider took. */
export async function announceByPhone(
  ctx: Ctx,
  account: { readonly id: string; readonly locale: string | null; readonly timeZone: string | null },
  phones: readonly PhoneFactorRow[],
  notice: RecoveryNoticeKind,
  meta: RequestMeta | null,
): Promise<number> {
  const userId = account.id;
  const t = savedTranslator(account);
  const provider = phoneProvider(ctx);
  let sent = 0;
  for (const phone of phones) {
    try {
      await provider.send(
        composeNotice(phone.e164, phone.channel, noticeText(ctx.config.productName, phone.channel, notice, t), t),
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
