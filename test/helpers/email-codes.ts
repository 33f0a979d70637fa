/** Helpers for email-code tests: the 8-digit code in the newest email to an address. */
import { lastEmailTo, OWNER, type TestApp } from './app.ts';

export async function lastEmailCode(t: TestApp, to = OWNER.email): Promise<string> {
  const mail = await lastEmailTo(t, to);
  const code = /\b(\d{8})\b/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in "${mail.subject}"`);
  return code;
}
