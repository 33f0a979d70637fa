/**
 * Email normalisation for lookup and uniqueness: NFKC, trimmed, lower-cased. Addresses are compared
 * case-insensitively (in practice every provider does), and we do not strip dots or "+tags".
 */
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/u;

export const EMAIL_MAX_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit

export function normaliseEmail(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

export function isValidEmail(normalised: string): boolean {
  return normalised.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(normalised);
}
