/**
 * Phone numbers: parsed and validated with libphonenumber-js (Google's libphonenumber metadata, "max"
 * set, so validity is checked against each country's numbering plan), kept in E.164, shown masked.
 */
import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import type { MessageKey } from '../../i18n/index.ts';

export type ParsedPhone =
  | { readonly ok: true; readonly e164: string; readonly country: string | null }
  | { readonly ok: false; readonly key: MessageKey };

/** Longest input accepted: an E.164 number has at most 15 digits; spaces, dashes and brackets add some. */
const MAX_INPUT_CHARS = 40;

/**
 * Parses what a person typed: "+44 20 7946 0958" alone, or a national number with the country picked
 * beside it ("020 7946 0958" + GB).
 */
export function parsePhone(input: string, defaultCountry: string | null): ParsedPhone {
  const text = input.trim();
  if (text === '' || text.length > MAX_INPUT_CHARS) return { ok: false, key: 'errors:messages.phone.enterNumber' };
  const country =
    defaultCountry && isSupportedCountry(defaultCountry.toUpperCase())
      ? (defaultCountry.toUpperCase() as CountryCode)
      : undefined;
  const parsed = parsePhoneNumberFromString(text, country);
  if (!parsed || !parsed.isValid()) {
    return {
      ok: false,
      key:
        country || text.startsWith('+') ? 'errors:messages.phone.invalidNumber' : 'errors:messages.phone.chooseCountry',
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
}

/** The country of a stored E.164 number (null when the calling code is shared and ambiguous). */
export function countryOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/** "+44 •••• ••• •58": the calling code and the last two digits, enough to recognise one's own number. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const callingCode = parsed?.countryCallingCode ?? '';
  const national = parsed?.nationalNumber ?? e164.replace(/^\+/, '');
  const hidden = national.slice(0, -2).replace(/\d/g, '•');
  return `+${callingCode} ${hidden}${national.slice(-2)}`;
}

/** Countries offered first in the picker; any other is reached by typing + and its code. */
const COMMON_COUNTRIES = [
  'US',
  'CA',
  'GB',
  'IE',
  'FR',
  'DE',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'NO',
  'DK',
  'FI',
  'PL',
  'PT',
  'AU',
  'NZ',
  'IN',
  'JP',
  'BR',
  'MX',
  'ZA',
] as const;

export interface CountryChoice {
  readonly code: string;
  readonly name: string;
  readonly callingCode: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** The picker's options (limited to the allowed countries when a deployment restricts them). */
export function countryChoices(allowed: readonly string[]): CountryChoice[] {
  const codes = allowed.length > 0 ? allowed : COMMON_COUNTRIES;
  return codes
    .filter((code): code is CountryCode => isSupportedCountry(code))
    .map((code) => ({ code, name: regionNames.of(code) ?? code, callingCode: getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
