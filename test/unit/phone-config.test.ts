/** The SMS / voice settings: defaults, each provider's required settings, and bad values named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/index.ts';

const TWILIO = {
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'ab'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'a-real-looking-token-123',
  TWILIO_FROM: '+15005550006',
};
const WEBHOOK = {
  SMS_PROVIDER: 'webhook',
  SMS_WEBHOOK_URL: 'https://sms.example.com/hook',
  SMS_WEBHOOK_SECRET: 'x'.repeat(32),
};

function settingOf(env: Record<string, string>): string {
  try {
    resolveConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('phone settings', () => {
  it('default to the outbox, 6 digits, every country, a 10 s provider timeout', () => {
    expect(resolveConfig({}).phone).toEqual({
      provider: 'outbox',
      twilio: null,
      webhook: null,
      codeDigits: 6,
      allowedCountries: [],
      providerTimeoutMs: 10_000,
    });
  });

  it('read Twilio and webhook settings', () => {
    expect(resolveConfig(TWILIO).phone.twilio).toEqual({
      accountSid: TWILIO.TWILIO_ACCOUNT_SID,
      authToken: TWILIO.TWILIO_AUTH_TOKEN,
      from: TWILIO.TWILIO_FROM,
      baseUrl: 'https://api.twilio.com',
    });
    expect(
      resolveConfig({ ...WEBHOOK, PHONE_CODE_DIGITS: '8', SMS_ALLOWED_COUNTRIES: 'us, gb,FR' }).phone,
    ).toMatchObject({
      provider: 'webhook',
      webhook: { url: WEBHOOK.SMS_WEBHOOK_URL, secret: WEBHOOK.SMS_WEBHOOK_SECRET },
      codeDigits: 8,
      allowedCountries: ['US', 'GB', 'FR'],
    });
  });

  it.each([
    [{ SMS_PROVIDER: 'pigeon' }, 'SMS_PROVIDER'],
    [{ ...TWILIO, TWILIO_ACCOUNT_SID: '' }, 'TWILIO_ACCOUNT_SID'],
    [{ ...TWILIO, TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID'],
    [{ ...TWILIO, TWILIO_AUTH_TOKEN: '' }, 'TWILIO_AUTH_TOKEN'],
    [{ ...TWILIO, TWILIO_FROM: '5550006' }, 'TWILIO_FROM'],
    [{ ...TWILIO, TWILIO_BASE_URL: 'ftp://api.twilio.com' }, 'TWILIO_BASE_URL'],
    [{ ...TWILIO, TWILIO_BASE_URL: 'https://api.twilio.com/v1' }, 'TWILIO_BASE_URL'],
    [{ ...WEBHOOK, SMS_WEBHOOK_URL: '' }, 'SMS_WEBHOOK_URL'],
    [{ ...WEBHOOK, SMS_WEBHOOK_URL: 'http://sms.example.com/hook', NODE_ENV: 'production' }, 'SMS_WEBHOOK_URL'],
    [{ ...WEBHOOK, SMS_WEBHOOK_SECRET: 'short' }, 'SMS_WEBHOOK_SECRET'],
    [{ PHONE_CODE_DIGITS: '5' }, 'PHONE_CODE_DIGITS'],
    [{ PHONE_CODE_DIGITS: '9' }, 'PHONE_CODE_DIGITS'],
    [{ SMS_ALLOWED_COUNTRIES: 'US,XX' }, 'SMS_ALLOWED_COUNTRIES'],
    [{ SMS_PROVIDER_TIMEOUT_MS: '10' }, 'SMS_PROVIDER_TIMEOUT_MS'],
  ])('refuses %j naming %s', (env, setting) => {
    expect(settingOf(env as Record<string, string>)).toBe(setting);
  });
});
