import { describe, it, expect } from 'vitest';
import { base32Encode } from '../../src/core/base32.ts';
import {
  TOTP_DEFAULTS,
  buildOtpauthUri,
  findTotpStep,
  hotp,
  totp,
  totpStep,
  type TotpOptions,
} from '../../src/core/otp.ts';

const KEY = new TextEncoder().encode('12345678901234567890');
const NOW_SECONDS = 1_700_000_015;
const T = totpStep(NOW_SECONDS, TOTP_DEFAULTS.periodSeconds);
const codeAt = (step: bigint): string => hotp(KEY, step, TOTP_DEFAULTS);
const withWindow = (windowSteps: number): TotpOptions & { windowSteps: number } => ({ ...TOTP_DEFAULTS, windowSteps });

describe('findTotpStep', () => {
  it('finds the codes of steps T-1, T and T+1 with windowSteps 1', () => {
    for (const step of [T - 1n, T, T + 1n]) {
      expect(findTotpStep(KEY, codeAt(step), NOW_SECONDS, withWindow(1))).toBe(step);
    }
  });

  it('does not find T-2 or T+2 with windowSteps 1', () => {
    for (const step of [T - 2n, T + 2n]) {
      const code = codeAt(step);
      // Guard against a coincidental collision with a code inside the window.
      expect([T - 1n, T, T + 1n].map(codeAt)).not.toContain(code);
      expect(findTotpStep(KEY, code, NOW_SECONDS, withWindow(1))).toBeNull();
    }
  });

  it('finds T+5 with windowSteps 20 (clock-drift hint)', () => {
    expect(findTotpStep(KEY, codeAt(T + 5n), NOW_SECONDS, withWindow(20))).toBe(T + 5n);
  });

  it('matches the current code from totp()', () => {
    expect(findTotpStep(KEY, totp(KEY, NOW_SECONDS, TOTP_DEFAULTS), NOW_SECONDS, withWindow(0))).toBe(T);
  });

  it('returns null for a wrong code', () => {
    const inWindow = new Set([T - 1n, T, T + 1n].map(codeAt));
    const wrong = ['000000', '111111', '123456'].find((code) => !inWindow.has(code)) ?? '999999';
    expect(findTotpStep(KEY, wrong, NOW_SECONDS, withWindow(1))).toBeNull();
  });

  it('returns null for malformed codes', () => {
    const good = codeAt(T);
    for (const code of ['', 'abcdef', `${good.slice(0, 5)}x`, ` ${good}`, good.slice(0, 5), `${good}0`]) {
      expect(findTotpStep(KEY, code, NOW_SECONDS, withWindow(1))).toBeNull();
    }
  });
});

describe('misuse throws RangeError', () => {
  it('rejects digits outside 6..8', () => {
    for (const digits of [5, 9, 6.5]) {
      expect(() => hotp(KEY, 0n, { digits, algorithm: 'sha1' })).toThrow(RangeError);
      expect(() => totp(KEY, NOW_SECONDS, { ...TOTP_DEFAULTS, digits })).toThrow(RangeError);
      expect(() => findTotpStep(KEY, '123456', NOW_SECONDS, { ...withWindow(1), digits })).toThrow(RangeError);
    }
  });

  it('rejects a bad period, time or window', () => {
    expect(() => totpStep(NOW_SECONDS, 0)).toThrow(RangeError);
    expect(() => totpStep(-1, 30)).toThrow(RangeError);
    expect(() => findTotpStep(KEY, '123456', NOW_SECONDS, withWindow(-1))).toThrow(RangeError);
  });
});

describe('buildOtpauthUri', () => {
  const secretBase32 = base32Encode(KEY);

  it('encodes issuer and account and carries the secret and defaults', () => {
    const uri = buildOtpauthUri({ issuer: 'Acme & Co', account: 'ana+2fa@example.com', secretBase32 });
    expect(uri).toBe(
      `otpauth://totp/Acme%20%26%20Co:ana%2B2fa%40example.com?secret=${secretBase32}` +
        '&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('normalises a grouped lower-case secret and rejects non-base32 or colons', () => {
    const grouped = 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq';
    expect(buildOtpauthUri({ issuer: 'A', account: 'b', secretBase32: grouped })).toContain(`secret=${secretBase32}&`);
    expect(() => buildOtpauthUri({ issuer: 'A', account: 'b', secretBase32: 'NOT-BASE32' })).toThrow(RangeError);
    expect(() => buildOtpauthUri({ issuer: 'A:B', account: 'b', secretBase32 })).toThrow(RangeError);
  });
});
