/**
 * Backup-code format (docs/product.md): 13 symbols of Crockford's base32 alphabet (no i, l, o, u) = 65 bits,
 * shown as xxxx-xxxx-xxxx-x. Input is case-insensitive, ignores spaces and dashes, and reads o as 0 and
 * i/l as 1, as Crockford's decoding rules say.
 */
import { BACKUP_CODES } from '../config/defaults.ts';

export const BACKUP_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function formatBackupCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** The canonical form of what a person typed, or null when it cannot be a backup code. */
export function normaliseBackupCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (compact.length !== BACKUP_CODES.length) return null;
  for (const ch of compact) if (!BACKUP_CODE_ALPHABET.includes(ch)) return null;
  return compact;
}
