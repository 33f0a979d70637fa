/** Backup-code format: 13 Crockford base32 symbols (65 bits), shown in groups of 4, read forgivingly. */
import { describe, expect, it } from 'vitest';
import { BACKUP_CODE_ALPHABET, formatBackupCode, normaliseBackupCode } from '../../src/core/backup-code.ts';
import { BACKUP_CODES } from '../../src/config/defaults.ts';

describe('backup codes', () => {
  it('use an alphabet of 32 unambiguous symbols (no i, l, o, u): 13 of them carry ≥ 64 bits', () => {
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(32);
    for (const ambiguous of 'ilou') expect(BACKUP_CODE_ALPHABET).not.toContain(ambiguous);
    expect(BACKUP_CODES.length * Math.log2(32)).toBeGreaterThanOrEqual(64);
  });

  it('are shown as xxxx-xxxx-xxxx-x', () => {
    expect(formatBackupCode('0123456789abc')).toBe('0123-4567-89ab-c');
  });

  it('read case-insensitively, ignoring spaces and dashes, o as 0 and i/l as 1', () => {
    expect(normaliseBackupCode('0123-4567-89AB-C')).toBe('0123456789abc');
    expect(normaliseBackupCode(' 0123 4567 89ab c ')).toBe('0123456789abc');
    expect(normaliseBackupCode('O1I3-4567-89ab-c')).toBe('0113456789abc');
    expect(normaliseBackupCode('L123-4567-89ab-c')).toBe('1123456789abc');
  });

  it('refuse the wrong length and symbols outside the alphabet (u)', () => {
    expect(normaliseBackupCode('0123-4567-89ab')).toBeNull();
    expect(normaliseBackupCode('0123-4567-89ab-cd')).toBeNull();
    expect(normaliseBackupCode('u123-4567-89ab-c')).toBeNull();
  });
});
