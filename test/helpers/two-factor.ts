/** Helpers for second-factor tests: enrol an authenticator app over the API and compute its codes. */
import { expect } from 'vitest';
import { base32Decode } from '../../src/core/base32.ts';
import { TOTP_DEFAULTS, totp } from '../../src/core/otp.ts';
import type { Client, TestApp } from './app.ts';

export function codeAt(secret: string, date: Date, offsetSteps = 0): string {
  return totp(base32Decode(secret), Math.floor(date.getTime() / 1000) + offsetSteps * 30, TOTP_DEFAULTS);
}

/** Enrols TOTP for a signed-in client (re-authenticating first); returns the secret and backup codes. */
export async function enrolTotp(t: TestApp, client: Client, password: string): Promise<{ secret: string; backupCodes: string[]; factorId: string }> {
  expect((await client.post('/api/v1/me/reauthenticate', { password })).statusCode).toBe(200);
  const start = await client.post('/api/v1/me/factors/totp');
  expect(start.statusCode).toBe(200);
  const { enrollmentId, secret } = start.json() as { enrollmentId: string; secret: string };
  const confirm = await client.post('/api/v1/me/factors/totp/confirm', { enrollmentId, code: codeAt(secret, t.clock.now()) });
  expect(confirm.statusCode).toBe(200);
  const body = confirm.json() as { backupCodes: string[]; factor: { id: string } };
  // The enrolment code's step is spent: move to the next step so tests can sign in right away.
  t.clock.advanceSeconds(30);
  return { secret, backupCodes: body.backupCodes, factorId: body.factor.id };
}
