/**
 * Pure rules of per-org branding: the accent colour's format and contrast (WCAG 2.1 relative luminance and
 * contrast ratio, SC 1.4.3), and what an uploaded logo really is, by its magic bytes rather than its
 * Content-Type header.
 */
import { BRANDING } from '../config/defaults.ts';

const HEX = /^#[0-9a-f]{6}$/;

/** `#rrggbb` (any case) → lower case; anything else → null. */
export function parseHexColor(value: string): string | null {
  const lower = value.trim().toLowerCase();
  return HEX.test(lower) ? lower : null;
}

/** WCAG 2.1 relative luminance of an sRGB `#rrggbb` colour (the 0.04045 threshold of the sRGB standard). */
function relativeLuminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The lowest contrast the accent colour would have where pages use it: white text on a primary button, and
 * links on the page background. Rounded down to two decimals, so a ratio shown as 4.5 is never below it.
 */
export function accentContrast(accent: string): number {
  const lowest = Math.min(contrastRatio(accent, BRANDING.buttonText), contrastRatio(accent, BRANDING.pageBackground));
  return Math.floor(lowest * 100) / 100;
}

export type LogoType = (typeof BRANDING.logoTypes)[number];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image type by magic bytes: PNG (its 8-byte signature, an IHDR chunk first and an IEND chunk last, PNG spec §5.2–5.6) or
 * JPEG (SOI marker FF D8 then a marker FF xx, and the EOI marker FF D9 at the end). Anything else, SVG
 * included, is null.
 */
export function sniffLogo(bytes: Uint8Array): LogoType | null {
  if (
    bytes.length > 24 &&
    PNG_SIGNATURE.every((b, i) => bytes[i] === b) &&
    String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR' &&
    String.fromCharCode(...bytes.subarray(bytes.length - 8, bytes.length - 4)) === 'IEND'
  )
    return 'image/png';
  const n = bytes.length;
  if (
    n > 4 &&
    bytes[0] === 0xff &&
    bytes[1] === 0xd8 &&
    bytes[2] === 0xff &&
    bytes[n - 2] === 0xff &&
    bytes[n - 1] === 0xd9
  )
    return 'image/jpeg';
  return null;
}
