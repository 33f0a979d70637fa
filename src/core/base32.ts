/**
 * Base32 (RFC 4648 §6) for TOTP secrets: the encoding authenticator apps expect in otpauth:// URIs
 * (Key Uri Format). Output is upper case without '=' padding; input is read case-insensitively with
 * spaces and trailing padding ignored, so a secret typed from `groupsOfFour` output decodes unchanged.
 */

/** RFC 4648 §6, Table 3: the base32 alphabet. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6: each character carries 5 bits; 8 characters encode a 40-bit (5-byte) group. */
const BITS_PER_CHAR = 5;

/**
 * RFC 4648 §6: a final quantum of 1..4 bytes yields 2, 4, 5 or 7 characters; an unpadded tail of
 * 1, 3 or 6 characters cannot come from any byte string.
 */
const INVALID_TAIL_LENGTHS: ReadonlySet<number> = new Set([1, 3, 6]);

/** Encodes bytes as RFC 4648 §6 base32, upper case, no padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bufferedBits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bufferedBits += 8;
    while (bufferedBits >= BITS_PER_CHAR) {
      bufferedBits -= BITS_PER_CHAR;
      out += ALPHABET[(buffer >>> bufferedBits) & 0x1f];
    }
  }
  // RFC 4648 §6: a partial final group is padded with zero bits on the right.
  if (bufferedBits > 0) out += ALPHABET[(buffer << (BITS_PER_CHAR - bufferedBits)) & 0x1f];
  return out;
}

/**
 * Decodes RFC 4648 §6 base32. Case-insensitive; whitespace anywhere and trailing '=' padding are
 * ignored. Throws RangeError on any other character or on a length no byte string encodes to.
 */
export function base32Decode(text: string): Uint8Array {
  const cleaned = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  if (INVALID_TAIL_LENGTHS.has(cleaned.length % 8)) {
    throw new RangeError('base32 input has an impossible length');
  }
  const out = new Uint8Array(Math.floor((cleaned.length * BITS_PER_CHAR) / 8));
  let buffer = 0;
  let bufferedBits = 0;
  let index = 0;
  for (const char of cleaned) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new RangeError('base32 input contains a character outside RFC 4648 §6');
    buffer = ((buffer << BITS_PER_CHAR) | value) & 0xffff;
    bufferedBits += BITS_PER_CHAR;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      out[index++] = (buffer >>> bufferedBits) & 0xff;
    }
  }
  return out;
}

/** Splits text into space-separated groups of four characters for display: "ABCD EFGH IJ". */
export function groupsOfFour(text: string): string {
  return (text.match(/.{1,4}/g) ?? []).join(' ');
}
