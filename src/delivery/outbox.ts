/**
 * The development provider: the message is stored in mail_outbox with channel 'sms' or 'voice', where
 * /dev/outbox and `twofold outbox` show it. Storing it is the delivery.
 */
import type { Db } from '../db/connect.ts';
import { randomId } from '../crypto/index.ts';
import type { PhoneProvider } from './port.ts';

const SUBJECT = { sms: 'Text message', voice: 'Phone call' } as const;

export function outboxPhoneProvider(db: Db, clock: () => Date): PhoneProvider {
  return {
    name: 'outbox',
    async send(message) {
      const now = clock().toISOString();
      await db.kysely
        .insertInto('mail_outbox')
        .values({
          id: randomId(),
          created_at: now,
          channel: message.channel,
          recipient: message.to,
          subject: SUBJECT[message.channel],
          body_text: message.text,
          body_html: null,
          status: 'stored',
          attempts: 1,
          next_attempt_at: null,
          last_error: null,
          sent_at: now,
        })
        .execute();
    },
  };
}
