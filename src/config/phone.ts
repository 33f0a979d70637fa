/**
 * Settings of the SMS / voice factor, read and validated with the rest of the configuration (./index.ts).
 * SMS_PROVIDER picks the delivery: `outbox` (default; stored, shown on /dev/outbox and by `twofold outbox`),
 * `twilio` (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_BASE_URL) or `webhook`
 * (SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET). PHONE_CODE_DIGITS 6–8; SMS_ALLOWED_COUNTRIES e.g. "US,GB,FR"
 * (empty: every country); SMS_PROVIDER_TIMEOUT_MS.
 */
import { isSupportedCountry } from 'libphonenumber-js/max';
import { PHONE } from './defaults.ts';

export type SmsProviderName = 'outbox' | 'twilio' | 'webhook';

export interface PhoneConfig {
  readonly provider: SmsProviderName;
  readonly twilio: {
    readonly accountSid: string;
    readonly authToken: string;
    readonly from: string;
    readonly baseUrl: string;
  } | null;
  readonly webhook: { readonly url: string; readonly secret: string } | null;
  readonly codeDigits: number;
  /** ISO 3166-1 alpha-2 codes numbers may belong to; empty: any country. */
  readonly allowedCountries: readonly string[];
  readonly providerTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** Thrown for a bad setting; ./index.ts turns it into its own ConfigError. */
export class PhoneSettingError extends Error {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(detail);
  }
}

function required(env: Env, name: string, provider: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new PhoneSettingError(name, `is required when SMS_PROVIDER=${provider}`);
  return value;
}

function httpUrl(name: string, raw: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PhoneSettingError(name, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !production)) {
    throw new PhoneSettingError(name, production ? 'must start with https://' : 'must start with https:// or http://');
  }
  return url;
}

function readTwilio(env: Env, production: boolean): NonNullable<PhoneConfig['twilio']> {
  const accountSid = required(env, 'TWILIO_ACCOUNT_SID', 'twilio');
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid))
    throw new PhoneSettingError('TWILIO_ACCOUNT_SID', 'must be "AC" followed by 32 hex digits');
  const authToken = required(env, 'TWILIO_AUTH_TOKEN', 'twilio');
  if (!/^[\x21-\x7e]{16,128}$/.test(authToken))
    throw new PhoneSettingError('TWILIO_AUTH_TOKEN', 'must be 16–128 printable characters');
  const from = required(env, 'TWILIO_FROM', 'twilio');
  if (!/^\+[1-9]\d{6,14}$/.test(from) && !/^MG[0-9a-fA-F]{32}$/.test(from)) {
    throw new PhoneSettingError(
      'TWILIO_FROM',
      'must be a phone number in E.164 (e.g. +15005550006) or a Messaging Service SID (MG…)',
    );
  }
  const base = httpUrl('TWILIO_BASE_URL', env.TWILIO_BASE_URL || PHONE.twilioBaseUrl, production);
  if (base.pathname !== '/' || base.search !== '')
    throw new PhoneSettingError('TWILIO_BASE_URL', 'must be an origin without a path');
  return { accountSid, authToken, from, baseUrl: base.origin };
}

function readWebhook(env: Env, production: boolean): NonNullable<PhoneConfig['webhook']> {
  const url = httpUrl('SMS_WEBHOOK_URL', required(env, 'SMS_WEBHOOK_URL', 'webhook'), production);
  const secret = required(env, 'SMS_WEBHOOK_SECRET', 'webhook');
  if (secret.length < PHONE.minWebhookSecretLength || !/^[\x21-\x7e]+$/.test(secret)) {
    throw new PhoneSettingError(
      'SMS_WEBHOOK_SECRET',
      `must be at least ${PHONE.minWebhookSecretLength} printable characters (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  return { url: url.toString(), secret };
}

function readWholeNumber(env: Env, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d{1,6}$/.test(raw) || value < min || value > max)
    throw new PhoneSettingError(name, `must be a whole number ${unit}from ${min} to ${max}`);
  return value;
}

function readCountries(env: Env): string[] {
  const raw = env.SMS_ALLOWED_COUNTRIES;
  if (raw === undefined || raw.trim() === '') return [];
  const codes = raw
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  const unknown = codes.filter((c) => !isSupportedCountry(c));
  if (unknown.length > 0)
    throw new PhoneSettingError(
      'SMS_ALLOWED_COUNTRIES',
      `must be comma-separated ISO 3166 country codes (e.g. "US,GB,FR"); unknown: ${unknown.join(', ')}`,
    );
  return [...new Set(codes)];
}

export function readPhoneConfig(env: Env, production: boolean): PhoneConfig {
  const provider = env.SMS_PROVIDER || 'outbox';
  if (provider !== 'outbox' && provider !== 'twilio' && provider !== 'webhook') {
    throw new PhoneSettingError('SMS_PROVIDER', 'must be one of outbox, twilio, webhook');
  }
  return Object.freeze({
    provider,
    twilio: provider === 'twilio' ? Object.freeze(readTwilio(env, production)) : null,
    webhook: provider === 'webhook' ? Object.freeze(readWebhook(env, production)) : null,
    codeDigits: readWholeNumber(
      env,
      'PHONE_CODE_DIGITS',
      PHONE.defaultCodeDigits,
      PHONE.minCodeDigits,
      PHONE.maxCodeDigits,
      '',
    ),
    allowedCountries: Object.freeze(readCountries(env)),
    providerTimeoutMs: readWholeNumber(
      env,
      'SMS_PROVIDER_TIMEOUT_MS',
      PHONE.providerTimeoutMs,
      PHONE.minProviderTimeoutMs,
      PHONE.maxProviderTimeoutMs,
      'of milliseconds ',
    ),
  });
}
