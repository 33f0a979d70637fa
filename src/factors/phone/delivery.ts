/**
 * What a code (or a notice) says and who carries it: the text message (with an origin-bound last line, so browsers
 * and phones can offer it for autofill on this site only), the call script (digits read twice, slowly),
 * and the provider chosen by SMS_PROVIDER.
 */
import type { Ctx } from '../../context.ts';
import type { PhoneChannel, PhoneMessage, PhoneProvider } from '../../delivery/port.ts';
import { outboxPhoneProvider } from '../../delivery/outbox.ts';
import { twilioProvider } from '../../delivery/twilio.ts';
import { webhookProvider } from '../../delivery/webhook.ts';
import { PHONE } from '../../config/defaults.ts';
import { english, type T } from '../../i18n/index.ts';

export function phoneProvider(ctx: Ctx): PhoneProvider {
  const phone = ctx.config.phone;
  if (phone.provider === 'twilio' && phone.twilio)
    return twilioProvider({ ...phone.twilio, timeoutMs: phone.providerTimeoutMs });
  if (phone.provider === 'webhook' && phone.webhook)
    return webhookProvider({ ...phone.webhook, timeoutMs: phone.providerTimeoutMs, clock: ctx.clock });
  return outboxPhoneProvider(ctx.db, ctx.clock);
}

/** "1, 2, 3, 4, 5, 6": a text-to-speech voice pauses at each comma. */
export function spokenDigits(code: string): string {
  return code.split('').join(', ');
}

/** A code by text or call, in the person's language (`t`, their saved one). */
export function composeMessage(ctx: Ctx, t: T, to: string, channel: PhoneChannel, code: string): PhoneMessage {
  const productName = ctx.config.productName;
  const minutes = PHONE.codeSeconds / 60;
  const host = new URL(ctx.config.publicUrl).hostname;
  const intro = t('mail:phone.voiceIntro', { productName });
  const digits = spokenDigits(code);
  const again = t('mail:phone.voiceAgain');
  // The last line follows the origin-bound one-time code format (WICG sms-one-time-codes).
  const text =
    channel === 'sms'
      ? `${t('mail:phone.smsCode', { code, productName, minutes })}\n\n@${host} #${code}`
      : `${intro} ${digits}. ${again} ${digits}.`;
  return { to, channel, code, text, speech: { intro, digits, again }, ...localeOf(t) };
}

/** A notice that carries no code: the same text by SMS, or read out twice in a call. */
export function composeNotice(to: string, channel: PhoneChannel, text: string, t: T = english): PhoneMessage {
  return { to, channel, code: null, text, speech: { intro: text, digits: '', again: '' }, ...localeOf(t) };
}

/** English messages carry no language (as before); another language is named for the call's voice. */
function localeOf(t: T): { locale?: string } {
  return t.locale === 'en' ? {} : { locale: t.locale };
}
