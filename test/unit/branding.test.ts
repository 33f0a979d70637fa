/** The pure branding rules: WCAG 2.1 contrast, the accent colour's format, and logo types by magic bytes. */
import { describe, expect, it } from 'vitest';
import { accentContrast, contrastRatio, parseHexColor, sniffLogo } from '../../src/core/branding.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('branding rules', () => {
  it('computes WCAG 2.1 contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // Well-known reference values: #767676 on white is 4.54:1, #777777 4.48:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    // The product's own colour passes its own rule.
    expect(accentContrast('#1d4ed8')).toBeGreaterThanOrEqual(4.5);
    // The page background is a little darker than white: the lower of the two is what counts.
    expect(accentContrast('#767676')).toBeLessThan(contrastRatio('#767676', '#ffffff'));
    expect(accentContrast('#ffcc00')).toBeLessThan(2);
  });

  it('accepts #rrggbb only', () => {
    expect(parseHexColor('#0B5394')).toBe('#0b5394');
    for (const bad of ['0b5394', '#fff', '#0b539', '#0b53944', 'blue', 'rgb(0,0,0)', '#0b539g', ''])
      expect(parseHexColor(bad), bad).toBeNull();
  });

  it('knows PNG and JPEG by their bytes, and nothing else', () => {
    expect(sniffLogo(PNG)).toBe('image/png');
    expect(sniffLogo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0xff, 0xd9]))).toBe('image/jpeg');
    expect(sniffLogo(Buffer.concat([PNG.subarray(0, 8), Buffer.from('<html></html>'.repeat(3))]))).toBeNull();
    expect(sniffLogo(PNG.subarray(0, PNG.length - 12))).toBeNull();
    expect(sniffLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(sniffLogo(Buffer.from('GIF89a\x01\x00\x01\x00'))).toBeNull();
    expect(sniffLogo(Buffer.alloc(0))).toBeNull();
  });
});
