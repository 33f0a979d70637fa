/**
 * HOTP test values from RFC 4226 Appendix D ("HOTP Algorithm: Test Values"),
 * https://www.rfc-editor.org/rfc/rfc4226#appendix-D — secret "12345678901234567890" (ASCII), HMAC-SHA-1,
 * 6 digits.
 */
import { describe, it, expect } from 'vitest';
import { hotp } from '../../src/core/otp.ts';

const SECRET = new TextEncoder().encode('12345678901234567890');
const EXPECTED = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('HOTP (RFC 4226 Appendix D)', () => {
  EXPECTED.forEach((code, count) => {
    it(`count ${count} → ${code}`, () => {
      expect(hotp(SECRET, BigInt(count), { digits: 6, algorithm: 'sha1' })).toBe(code);
    });
  });

  it('accepts counters beyond 2^32 and rejects ones beyond 2^64 − 1', () => {
    expect(hotp(SECRET, 2n ** 40n, { digits: 6, algorithm: 'sha1' })).toMatch(/^\d{6}$/);
    expect(hotp(SECRET, 2n ** 64n - 1n, { digits: 6, algorithm: 'sha1' })).toMatch(/^\d{6}$/);
    expect(() => hotp(SECRET, 2n ** 64n, { digits: 6, algorithm: 'sha1' })).toThrow(RangeError);
    expect(() => hotp(SECRET, -1n, { digits: 6, algorithm: 'sha1' })).toThrow(RangeError);
  });
});
