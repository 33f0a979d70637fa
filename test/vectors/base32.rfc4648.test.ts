/**
 * Base32 test vectors from RFC 4648 §10 ("Test Vectors"), https://www.rfc-editor.org/rfc/rfc4648#section-10.
 * The RFC lists padded forms ("MY======"); our encoder omits padding, our decoder accepts both.
 */
import { describe, it, expect } from 'vitest';
import { base32Decode, base32Encode, groupsOfFour } from '../../src/core/base32.ts';

const VECTORS: ReadonlyArray<readonly [plain: string, unpadded: string, padded: string]> = [
  ['', '', ''],
  ['f', 'MY', 'MY======'],
  ['fo', 'MZXQ', 'MZXQ===='],
  ['foo', 'MZXW6', 'MZXW6==='],
  ['foob', 'MZXW6YQ', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI', 'MZXW6YTBOI======'],
];

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('base32 (RFC 4648 §10)', () => {
  for (const [plain, unpadded, padded] of VECTORS) {
    it(`encodes ${JSON.stringify(plain)} as ${JSON.stringify(unpadded)}`, () => {
      expect(base32Encode(ascii(plain))).toBe(unpadded);
    });
    it(`decodes ${JSON.stringify(padded)} and ${JSON.stringify(unpadded.toLowerCase())}`, () => {
      expect(base32Decode(padded)).toEqual(ascii(plain));
      expect(base32Decode(unpadded.toLowerCase())).toEqual(ascii(plain));
    });
  }

  it('ignores spaces, as produced by groupsOfFour', () => {
    expect(groupsOfFour('MZXW6YTBOI')).toBe('MZXW 6YTB OI');
    expect(base32Decode('mzxw 6ytb oi')).toEqual(ascii('foobar'));
  });

  it('throws RangeError on characters outside the alphabet or impossible lengths', () => {
    expect(() => base32Decode('MZXW1')).toThrow(RangeError);
    expect(() => base32Decode('MZ=XW')).toThrow(RangeError);
    expect(() => base32Decode('M')).toThrow(RangeError);
  });

  it('round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });
});
