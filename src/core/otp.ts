/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) code generation and verification, plus the otpauth:// URI that
 * authenticator apps scan (Google Authenticator Key Uri Format). Pure: the caller passes the time.
 */
import { hmac } from '../crypto/index.ts';
import { base32Decode, base32Encode } from './base32.ts';

export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface HotpOptions {
  readonly digits: number;
  readonly algorithm: OtpAlgorithm;
}

export interface TotpOptions extends HotpOptions {
  readonly periodSeconds: number;
}

/**
 * RFC 6238 §4 (X = 30 s default time step) and §5.2 (30 s recommended); RFC 4226 §5.3 (6 digits minimum).
 * PRODUCT decision: "SHA-1, 6 digits, 30 s" — the only parameters every authenticator app honours.
 */
export const TOTP_DEFAULTS: TotpOptions = { digits: 6, algorithm: 'sha1', periodSeconds: 30 };

/** RFC 4226 §4, requirement R6: a shared secret of 160 bits is recommended. */
export const TOTP_SECRET_BYTES = 20;

/** RFC 4226 §5.3: "MUST extract a 6-digit code at a minimum and possibly 7 and 8-digit code". */
const MIN_DIGITS = 6;
const MAX_DIGITS = 8;

/** RFC 4226 §5.1: the counter C is an 8-byte (64-bit) moving factor. */
const MAX_COUNTER = (1n << 64n) - 1n;

function assertDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < MIN_DIGITS || digits > MAX_DIGITS) {
    throw new RangeError(`digits must be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}`);
  }
}

/** HOTP value of `key` at `counter` (RFC 4226 §5.3), zero-padded to `digits` digits. */
export function hotp(key: Uint8Array, counter: bigint, options: HotpOptions): string {
  assertDigits(options.digits);
  if (counter < 0n || counter > MAX_COUNTER) throw new RangeError('counter must fit in 8 unsigned bytes');
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, counter, false); // RFC 4226 §5.1: big-endian
  const mac = hmac(options.algorithm, key, message);
  // RFC 4226 §5.3 dynamic truncation: offset = low 4 bits of the last byte; 31-bit big-endian value.
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** options.digits).padStart(options.digits, '0');
}

/** RFC 6238 §4.2: T = floor((unixSeconds − T0) / X) with T0 = 0. */
export function totpStep(unixSeconds: number, periodSeconds: number): bigint {
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) {
    throw new RangeError('periodSeconds must be a positive integer');
  }
  if (!Number.isFinite(unixSeconds) || unixSeconds < 0) throw new RangeError('unixSeconds must be ≥ 0');
  return BigInt(Math.floor(unixSeconds / periodSeconds));
}

/** TOTP value (RFC 6238 §4.2): HOTP with the time step as counter. */
export function totp(key: Uint8Array, unixSeconds: number, options: TotpOptions): string {
  return hotp(key, totpStep(unixSeconds, options.periodSeconds), options);
}

/** Equality of two equal-length strings without an early exit (the length itself is not secret). */
function constantTimeEqualCodes(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The time step within ±`windowSteps` of the current one (RFC 6238 §5.2 delay window) whose code equals
 * `code`, or null. Every step in the window is computed and compared so timing does not reveal which
 * one matched; if several match, the one nearest the current step wins. A malformed code is just wrong.
 */
export function findTotpStep(
  key: Uint8Array,
  code: string,
  unixSeconds: number,
  options: TotpOptions & { readonly windowSteps: number },
): bigint | null {
  assertDigits(options.digits);
  if (!Number.isInteger(options.windowSteps) || options.windowSteps < 0) {
    throw new RangeError('windowSteps must be a non-negative integer');
  }
  const current = totpStep(unixSeconds, options.periodSeconds);
  const wellFormed = code.length === options.digits && /^[0-9]+$/.test(code);
  const candidate = wellFormed ? code : '0'.repeat(options.digits);
  let found: bigint | null = null;
  let foundDistance = Infinity;
  for (let offset = -options.windowSteps; offset <= options.windowSteps; offset++) {
    const step = current + BigInt(offset);
    if (step < 0n) continue;
    const matches = constantTimeEqualCodes(hotp(key, step, options), candidate);
    if (matches && wellFormed && Math.abs(offset) < foundDistance) {
      found = step;
      foundDistance = Math.abs(offset);
    }
  }
  return found;
}

export interface OtpauthUriInput {
  readonly issuer: string;
  readonly account: string;
  readonly secretBase32: string;
}

/**
 * otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=… (Google Authenticator
 * Key Uri Format). Label parts are percent-encoded; neither may contain a colon (the label separator).
 */
export function buildOtpauthUri(input: OtpauthUriInput, options: TotpOptions = TOTP_DEFAULTS): string {
  assertDigits(options.digits);
  if (input.issuer.includes(':') || input.account.includes(':')) {
    throw new RangeError('issuer and account must not contain ":" (Key Uri Format label separator)');
  }
  const secret = base32Encode(base32Decode(input.secretBase32)); // canonical form; throws if not base32
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const query = [
    `secret=${secret}`,
    `issuer=${encodeURIComponent(input.issuer)}`,
    `algorithm=${options.algorithm.toUpperCase()}`,
    `digits=${options.digits}`,
    `period=${options.periodSeconds}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
