/** Helpers for second-factor tests: enrol an authenticator app over the API and compute its codes. */
import { expect } from 'vitest';
import { base32Decode } from '../../src/core/base32.ts';
import { TOTP_DEFAULTS, totp } from '../../src/core/otp.ts';
import type { Client, TestApp } from './app.ts';
import type { SoftAuthenticator } from './soft-authenticator.ts';

export function codeAt(secret: string, date: Date, offsetSteps = 0): string {
  return totp(base32Decode(secret), Math.floor(date.getTime() / 1000) + offsetSteps * 30, TOTP_DEFAULTS);
}

/** Enrols TOTP for a signed-in client (re-authenticating first); returns the secret and backup codes. */
export async function enrolTotp(
  t: TestApp,
  client: Client,
  password: string,
): Promise<{ secret: string; backupCodes: string[]; factorId: string }> {
  expect((await client.post('/api/v1/me/reauthenticate', { password })).statusCode).toBe(200);
  const start = await client.post('/api/v1/me/factors/totp');
  expect(start.statusCode).toBe(200);
  const { enrollmentId, secret } = start.json() as { enrollmentId: string; secret: string };
  const confirm = await client.post('/api/v1/me/factors/totp/confirm', {
    enrollmentId,
    code: codeAt(secret, t.clock.now()),
  });
  expect(confirm.statusCode).toBe(200);
  const body = confirm.json() as { backupCodes: string[]; factor: { id: string } };
  // The enrolment code's step is spent: move to the next step so tests can sign in right away.
  t.clock.advanceSeconds(30);
  return { secret, backupCodes: body.backupCodes, factorId: body.factor.id };
}

/** Adds a passkey for a signed-in client over the API (re-authenticating first when `password` is given). */
export async function enrolPasskey(
  client: Client,
  authenticator: SoftAuthenticator,
  options: { password?: string; label?: string } = {},
): Promise<{ factorId: string; backupCodes: string[] | null }> {
  if (options.password)
    expect((await client.post('/api/v1/me/reauthenticate', { password: options.password })).statusCode).toBe(200);
  const start = await client.post('/api/v1/me/factors/passkey/options', { label: options.label ?? 'Laptop' });
  expect(start.statusCode).toBe(200);
  const finish = await client.post('/api/v1/me/factors/passkey', { response: authenticator.create(start.json()) });
  expect(finish.statusCode).toBe(200);
  const body = finish.json() as { factor: { id: string }; backupCodes: string[] | null };
  return { factorId: body.factor.id, backupCodes: body.backupCodes };
}
