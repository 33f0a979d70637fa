/**
 * A generic signed webhook: POST {to, channel, message, code} as JSON to SMS_WEBHOOK_URL with
 *   X-Twofold-Timestamp: <unix seconds>
 *   X-Twofold-Signature: v1=<hex HMAC-SHA-256 of "<timestamp>.<raw body>" under SMS_WEBHOOK_SECRET>
 * A receiver recomputes the HMAC over the exact bytes it received, compares in constant time, and
 * refuses timestamps more than 5 minutes away from its clock (replays). Any 2xx means accepted.
 * docs/sms-webhook.md shows a receiver.
 */
import { hmacSha256Hex } from '../crypto/index.ts';
import { postWithTimeout, type PhoneProvider } from './port.ts';

export interface WebhookSettings {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
  /** The clock of the timestamp header. */
  readonly clock: () => Date;
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

export function webhookProvider(settings: WebhookSettings): PhoneProvider {
  return {
    name: 'webhook',
    async send(message) {
      const body = JSON.stringify({
        to: message.to,
        channel: message.channel,
        message: message.text,
        code: message.code,
      });
      const timestamp = String(Math.floor(settings.clock().getTime() / 1000));
      await postWithTimeout(
        settings.url,
        {
          headers: {
            'content-type': 'application/json',
            'x-twofold-timestamp': timestamp,
            'x-twofold-signature': webhookSignature(settings.secret, timestamp, body),
          },
          body,
        },
        settings.timeoutMs,
      );
    },
  };
}
