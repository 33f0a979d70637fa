/**
 * The crypto module (docs/security.md; STYLE.md "One crypto module"): AEAD refuses anything altered or moved
 * to another row, random strings are uniform (rejection sampling, no modulo bias), and the constant-time
 * comparison is correct.
 */
import { describe, expect, it } from 'vitest';
import {
  aeadOpen,
  aeadSeal,
  constantTimeEqual,
  randomBytes,
  randomDigits,
  randomString,
  randomToken,
} from '../../src/crypto/index.ts';

const KEY = randomBytes(32);
const PLAINTEXT = new TextEncoder().encode('an authenticator seed');

function flipBit(sealed: string, byteIndex: number): string {
  const raw = Buffer.from(sealed, 'base64url');
  raw[byteIndex] = raw[byteIndex]! ^ 0x01;
  return raw.toString('base64url');
}

/** Pearson's chi-square statistic of `counts` against a uniform distribution. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/**
 * Upper critical value of chi-square with `df` degrees of freedom at p ≈ 1e-6 (Wilson–Hilferty, z = 4.75):
 * a uniform source fails this about once in a million runs.
 */
function criticalValue(df: number): number {
  const z = 4.75;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function counts(text: string, alphabet: string): number[] {
  const result = new Array<number>(alphabet.length).fill(0);
  for (const ch of text) result[alphabet.indexOf(ch)]! += 1;
  return result;
}

describe('AEAD (AES-256-GCM)', () => {
  it('round-trips, with a fresh nonce each time', () => {
    const a = aeadSeal(KEY, PLAINTEXT, 'factor:1');
    const b = aeadSeal(KEY, PLAINTEXT, 'factor:1');
    expect(a).not.toBe(b);
    expect(aeadOpen(KEY, a, 'factor:1')).toEqual(PLAINTEXT);
    expect(aeadOpen(KEY, b, 'factor:1')).toEqual(PLAINTEXT);
  });

  it('refuses a tampered nonce, ciphertext or tag', () => {
    const sealed = aeadSeal(KEY, PLAINTEXT, 'factor:1');
    const length = Buffer.from(sealed, 'base64url').length;
    for (const index of [0, 11, 12, 12 + PLAINTEXT.length - 1, length - 16, length - 1]) {
      expect(() => aeadOpen(KEY, flipBit(sealed, index), 'factor:1'), `byte ${index}`).toThrow();
    }
    expect(() => aeadOpen(KEY, sealed.slice(0, -4), 'factor:1')).toThrow();
    expect(() => aeadOpen(KEY, '', 'factor:1')).toThrow();
  });

  it('refuses other associated data (a value copied to another row) and another key', () => {
    const sealed = aeadSeal(KEY, PLAINTEXT, 'factor:1');
    expect(() => aeadOpen(KEY, sealed, 'factor:2')).toThrow();
    expect(() => aeadOpen(KEY, sealed, '')).toThrow();
    expect(() => aeadOpen(randomBytes(32), sealed, 'factor:1')).toThrow();
  });
});

describe('random strings', () => {
  it('the chi-square check is sharp enough to catch modulo bias', () => {
    // The naive `byte % n` that rejection sampling avoids: with n = 100, values 0–55 come up 3/2 as often.
    const alphabet = Array.from({ length: 100 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
    const bytes = randomBytes(100_000);
    const biased = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    expect(chiSquare(counts(biased, alphabet))).toBeGreaterThan(criticalValue(alphabet.length - 1));
  });

  it('randomString has no modulo bias (rough chi-square test)', () => {
    const alphabet = Array.from({ length: 100 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
    const sample = randomString(alphabet, 100_000);
    expect([...sample]).toHaveLength(100_000);
    expect(chiSquare(counts(sample, alphabet))).toBeLessThan(criticalValue(alphabet.length - 1));
  });

  it('randomDigits is uniform over 0–9 and keeps leading zeros', () => {
    const digits = '0123456789';
    const sample = Array.from({ length: 20_000 }, () => randomDigits(6)).join('');
    expect(sample).toMatch(/^[0-9]+$/);
    expect(sample).toHaveLength(120_000);
    expect(chiSquare(counts(sample, digits))).toBeLessThan(criticalValue(9));
  });

  it('randomString refuses alphabets it cannot sample fairly', () => {
    expect(() => randomString('a', 4)).toThrow(RangeError);
    expect(() => randomString('x'.repeat(257), 4)).toThrow(RangeError);
  });

  it('randomToken carries the requested entropy and does not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken(16)));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(16);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('abc', '')).toBe(false);
    expect(constantTimeEqual('ä', 'a\u0308')).toBe(false);
    expect(constantTimeEqual('😀', '😀')).toBe(true);
  });
});
