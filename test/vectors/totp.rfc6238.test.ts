/**
 * TOTP test vectors from RFC 6238 Appendix B ("Test Vectors"), https://www.rfc-editor.org/rfc/rfc6238#appendix-B
 * — T0 = 0, X = 30 s, 8 digits. Seeds per the Appendix A reference code: the ASCII string "1234567890"
 * repeated to 20 bytes (SHA-1), 32 bytes (SHA-256) and 64 bytes (SHA-512).
 */
import { describe, it, expect } from 'vitest';
import { totp, totpStep, type OtpAlgorithm } from '../../src/core/otp.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const SEEDS: Record<OtpAlgorithm, Uint8Array> = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};

const ROWS: ReadonlyArray<readonly [unixSeconds: number, sha1: string, sha256: string, sha512: string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238 Appendix B)', () => {
  for (const [unixSeconds, sha1, sha256, sha512] of ROWS) {
    const expected: Record<OtpAlgorithm, string> = { sha1, sha256, sha512 };
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      it(`${unixSeconds} ${algorithm} → ${expected[algorithm]}`, () => {
        expect(totp(SEEDS[algorithm], unixSeconds, { digits: 8, algorithm, periodSeconds: 30 })).toBe(
          expected[algorithm],
        );
      });
    }
  }

  it('computes the time step T from the RFC table', () => {
    expect(totpStep(59, 30)).toBe(0x1n);
    expect(totpStep(1111111109, 30)).toBe(0x23523ecn);
    expect(totpStep(1234567890, 30)).toBe(0x273ef07n);
    expect(totpStep(20000000000, 30)).toBe(0x27bc86aan);
  });
});
