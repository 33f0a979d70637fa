/** The one check for return addresses (`next`, the sign-in and continue cookies): PUBLIC_URL's origin only. */
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/http/return-to.ts';
import { GOOD_NEXT, HOSTILE_NEXT } from '../helpers/return-to.ts';

const CONFIG = { publicUrl: 'https://auth.example.com', publicOrigin: 'https://auth.example.com' };
const FALLBACK = '/fallback';

describe('safeReturnTo', () => {
  it.each(HOSTILE_NEXT)('refuses %s', (_name, value) => {
    expect(safeReturnTo(CONFIG, value, FALLBACK)).toBe(FALLBACK);
  });

  it.each(GOOD_NEXT)('keeps %s', (value, expected) => {
    expect(safeReturnTo(CONFIG, value, FALLBACK)).toBe(expected);
  });

  it('keeps an absolute address on PUBLIC_URL as its path, and normalises what a header cannot carry', () => {
    expect(safeReturnTo(CONFIG, 'https://auth.example.com/profile?a=1#top', FALLBACK)).toBe('/profile?a=1#top');
    expect(safeReturnTo(CONFIG, '/a/../profile', FALLBACK)).toBe('/profile');
    expect(safeReturnTo(CONFIG, '/profile/é', FALLBACK)).toBe('/profile/%C3%A9');
  });

  it('refuses what is not a non-empty string', () => {
    for (const value of [undefined, null, 42, ['/profile'], {}, ''])
      expect(safeReturnTo(CONFIG, value, FALLBACK)).toBe(FALLBACK);
  });
});
