/**
 * Error texts come from the errors catalogue (src/i18n/catalog/{en,es}/errors.ts): every error code has its
 * text in each language, and a failure with a more specific text reads the same in English as it always
 * has (the JSON API's `message`) while a Spanish reader gets it in Spanish with the same values.
 */
import { describe, expect, it } from 'vitest';
import { AppError, ERRORS, type ErrorCode } from '../../src/errors.ts';
import { resources } from '../../src/i18n/catalog/index.ts';
import { english, LOCALES, translator } from '../../src/i18n/index.ts';
import { failedCode } from '../../src/factors/factor.ts';
import { checkAccentColor } from '../../src/flows/branding.ts';
import { recoveryUnavailable } from '../../src/recovery/guard.ts';
import { acceptablePasswordFor } from '../../src/accounts/service.ts';
import { parseWebhookUrl } from '../../src/webhooks/targets.ts';
import { checkRedirectUri } from '../../src/oidc/clients.ts';
import { requiredByOrgMessage } from '../../src/flows/two-factor.ts';
import { parsePhone } from '../../src/factors/phone/numbers.ts';
import { accountWideRefusal } from '../../src/orgs/service.ts';

const es = translator('es');

function caught(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('error codes', () => {
  const codes = Object.keys(ERRORS) as ErrorCode[];

  for (const locale of LOCALES) {
    it(`each code has its text in ${locale}, and the catalogue no other code`, () => {
      const texts = (resources[locale] as unknown as { errors: { codes: Record<string, string> } }).errors.codes;
      expect(Object.keys(texts).sort()).toEqual([...codes].sort());
      for (const code of codes) expect(texts[code], code).toMatch(/\S/);
    });
  }

  it('an AppError without a specific text says its code in the reader language', () => {
    const error = new AppError('invalid_code');
    expect(error.message).toBe('That code is not valid.');
    expect(error.messageKey).toBe('errors:codes.invalid_code');
    expect(es.error(error)).toBe('Ese código no es válido.');
    for (const code of codes) expect(es.error(new AppError(code)), code).not.toBe(english.error(new AppError(code)));
  });
});

describe('specific error texts', () => {
  it('the clock-drift hint counts minutes, ahead or behind, in both languages', () => {
    const ahead = failedCode({ ok: false, reason: 'invalid', clockDriftMinutes: 3 });
    expect(ahead.code).toBe('invalid_code');
    expect(ahead.message).toBe(
      "That code is not valid. Your device's clock seems to be about 3 minutes ahead: set it to update automatically and try again.",
    );
    expect(ahead.details).toEqual({ clockDriftMinutes: 3 });
    expect(es.error(ahead)).toBe(
      'Ese código no es válido. El reloj de tu dispositivo parece estar adelantado unos 3 minutos: configúralo para que se actualice automáticamente e inténtalo de nuevo.',
    );

    const behind = failedCode({ ok: false, reason: 'invalid', clockDriftMinutes: -1 });
    expect(behind.message).toBe(
      "That code is not valid. Your device's clock seems to be about 1 minute behind: set it to update automatically and try again.",
    );
    expect(es.error(behind)).toContain('atrasado unos 1 minuto:');

    const replayed = failedCode({ ok: false, reason: 'replayed' });
    expect(replayed.message).toBe('That code was already used. Wait for the next code and try again.');
    expect(es.error(replayed)).toBe('Ese código ya se usó. Espera el siguiente código e inténtalo de nuevo.');
  });

  it('the accent-contrast refusal carries its ratio and minimum into either language', () => {
    const error = caught(() => checkAccentColor('#ffff00'));
    expect(error.code).toBe('accent_contrast_too_low');
    const ratio = error.details.ratio as number;
    expect(ratio).toBeLessThan(4.5);
    expect(error.message).toBe(
      `That accent colour has a contrast of ${ratio}:1 with white text or the page background; at least 4.5:1 is needed. Choose a darker colour.`,
    );
    expect(es.error(error)).toBe(
      `Ese color de acento tiene un contraste de ${ratio}:1 con el texto blanco o el fondo de la página; se necesita al menos 4.5:1. Elige un color más oscuro.`,
    );
    expect(caught(() => checkAccentColor('blue')).message).toBe('The accent colour must be a hex colour like #1d4ed8.');
  });

  it('recovery unavailable names the moment and the wait', () => {
    const error = recoveryUnavailable('2026-11-24T12:00:00.000Z');
    expect(error.code).toBe('recovery_unavailable');
    expect(error.details).toEqual({ availableAt: '2026-11-24T12:00:00.000Z' });
    expect(error.message).toBe(
      'Account recovery is possible from 2026-11-24 12:00 UTC: the password of this account was reset by email less than 7 days ago, and email alone cannot also remove two-factor authentication. If you still have a backup code or another two-factor method, use it instead, or ask your administrator.',
    );
    const spanish = es.error(error);
    expect(spanish).toContain('La recuperación de la cuenta será posible a partir del 24 nov 2026, 12:00 UTC');
    expect(spanish).toContain('hace menos de 7 días');
    expect(spanish).not.toContain('{{');
  });

  it('a refused password keeps its English reason for the API and reads in Spanish on a page', () => {
    const short = caught(() => acceptablePasswordFor('short', 'ana@example.test', []));
    expect(short.code).toBe('password_rejected');
    expect(short.message).toBe('Use at least 12 characters.');
    expect(short.details).toEqual({ field: 'password', reason: 'Use at least 12 characters.' });
    expect(es.error(short)).toBe('Usa al menos 12 caracteres.');

    const named = caught(() => acceptablePasswordFor('the acme clinic password', 'ana@example.test', ['Acme Clinic']));
    expect(named.details.reason).toBe('The password must not contain the organization name.');
    expect(es.error(named)).toBe('La contraseña no debe contener el nombre de la organización.');
  });

  it('address checks name the field and the address', () => {
    const relative = caught(() => checkRedirectUri('/callback', 'confidential', 'redirectUris'));
    expect(relative.message).toBe('redirectUris: "/callback" is not an absolute URL.');
    expect(relative.details).toEqual({ field: 'redirectUris' });
    expect(es.error(relative)).toBe('redirectUris: "/callback" no es una URL absoluta.');

    const local = caught(() => parseWebhookUrl('https://localhost/hook', false));
    expect(local.message).toBe('Webhooks go to public addresses, not localhost.');
    expect(es.error(local)).toBe('Los webhooks van a direcciones públicas, no a localhost.');
  });

  it('texts that depend on a count agree with it in Spanish', () => {
    expect(requiredByOrgMessage(['Acme'], 'user')).toBe(
      'Acme requires two-factor authentication for you, so it cannot be turned off. You can still add, change or remove methods while one is left.',
    );
    expect(requiredByOrgMessage(['Acme', 'Beta'], 'last_factor_removed')).toBe(
      'Acme, Beta requires two-factor authentication for you, so your last method cannot be removed. Add another method before removing this one.',
    );
    expect(requiredByOrgMessage(['Acme'], 'user', es)).toMatch(/^Acme exige la verificación en dos pasos/);
    expect(requiredByOrgMessage(['Acme', 'Beta'], 'user', es)).toMatch(/^Acme, Beta exigen la verificación/);
  });

  it('refusals chosen from a list keep their English words', () => {
    const phone = parsePhone('12', null);
    expect(phone.ok).toBe(false);
    if (!phone.ok) {
      expect(english(phone.key)).toBe('Choose the country, or start the number with + and the country code.');
      expect(es(phone.key)).toBe('Elige el país, o empieza el número con + y el código del país.');
    }
    expect(accountWideRefusal('resetTwoFactor').message).toBe(
      "You can't reset their two-factor authentication: this person also belongs to an organization where you can't manage them, and it would affect their whole account. Ask an owner who manages them everywhere, or the server's operator (twofold reset-2fa).",
    );
  });
});
