/** Helpers for phone-factor tests: read codes from the outbox, add a phone over the API. */
import { expect } from 'vitest';
import type { Client, TestApp } from './app.ts';

export const PHONE_NUMBER = '+12015550123';

export interface PhoneOutboxRow {
  readonly channel: string;
  readonly recipient: string;
  readonly text: string;
}

/** The code in a text ("@host #123456" last line) or a call script ("… is 1, 2, 3, 4, 5, 6."). */
export function codeIn(text: string): string {
  const sms = /#(\d{6,8})\s*$/.exec(text);
  if (sms) return sms[1]!;
  const voice = /code is ((?:\d, )+\d)\./.exec(text);
  if (voice) return voice[1]!.replace(/, /g, '');
  throw new Error('no code in message');
}

export async function phoneMessages(t: TestApp, to = PHONE_NUMBER): Promise<PhoneOutboxRow[]> {
  const rows = await t.ctx.db.kysely
    .selectFrom('mail_outbox')
    .select(['channel', 'recipient', 'body_text'])
    .where('recipient', '=', to)
    .where('channel', 'in', ['sms', 'voice'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ channel: r.channel, recipient: r.recipient, text: r.body_text }));
}

/** The newest code sent to `to` (and its channel). */
export async function lastPhoneCode(t: TestApp, to = PHONE_NUMBER): Promise<{ code: string; channel: string }> {
  const rows = await phoneMessages(t, to);
  const last = rows[rows.length - 1];
  if (!last) throw new Error(`no message to ${to}`);
  return { code: codeIn(last.text), channel: last.channel };
}

/** Adds a phone for a signed-in client (re-authenticating with `password` first). */
export async function enrolPhone(
  t: TestApp,
  client: Client,
  password: string,
  options: { phone?: string; channel?: 'sms' | 'voice' } = {},
): Promise<{ factorId: string; backupCodes: string[] | null }> {
  expect((await client.post('/api/v1/me/reauthenticate', { password })).statusCode).toBe(200);
  const start = await client.post('/api/v1/me/factors/phone', {
    phone: options.phone ?? PHONE_NUMBER,
    channel: options.channel ?? 'sms',
  });
  expect(start.statusCode, start.body).toBe(202);
  const { enrollmentId } = start.json() as { enrollmentId: string };
  const confirm = await client.post('/api/v1/me/factors/phone/confirm', {
    enrollmentId,
    code: (await lastPhoneCode(t, options.phone ?? PHONE_NUMBER)).code,
  });
  expect(confirm.statusCode, confirm.body).toBe(200);
  const body = confirm.json() as { factor: { id: string }; backupCodes: string[] | null };
  return { factorId: body.factor.id, backupCodes: body.backupCodes };
}
