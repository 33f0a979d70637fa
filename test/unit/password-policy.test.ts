/** Password acceptance (NIST SP 800-63B rev 4 §3.1.1.2): length in code points after NFKC, blocklist, context words. */
import { describe, expect, it } from 'vitest';
import { checkPassword as checkVerdict, normalisePassword } from '../../src/core/password-policy.ts';
import { english } from '../../src/i18n/index.ts';
import { PASSWORD } from '../../src/config/defaults.ts';

const never = (): boolean => false;

/** The verdict with its reason in English, as the API states it. */
function checkPassword(...args: Parameters<typeof checkVerdict>) {
  const verdict = checkVerdict(...args);
  return verdict.ok
    ? verdict
    : { ...verdict, reason: english(`errors:messages.password.${verdict.refusal}`, verdict.values) };
}

describe('password policy', () => {
  it('counts code points after NFKC: 12 is the minimum, 256 the maximum', () => {
    expect(checkPassword('a'.repeat(PASSWORD.minLength - 1), {}, never)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('at least'),
    });
    expect(checkPassword('a'.repeat(PASSWORD.minLength), {}, never)).toMatchObject({ ok: true });
    expect(checkPassword('a'.repeat(PASSWORD.maxLength + 1), {}, never)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('at most'),
    });
    // Twelve emoji are twelve characters, though twenty-four UTF-16 units.
    expect(checkPassword('🔒'.repeat(12), {}, never)).toMatchObject({ ok: true });
    expect(checkPassword('🔒'.repeat(11), {}, never).ok).toBe(false);
  });

  it('normalises to NFKC (fullwidth letters become ASCII) and returns the normalised form', () => {
    const fullwidth = 'ｖｉｏｌｅｔ-ｈａｒｂｏｒ-４２';
    expect(normalisePassword(fullwidth)).toBe('violet-harbor-42');
    expect(checkPassword(fullwidth, {}, never)).toEqual({ ok: true, normalised: 'violet-harbor-42' });
  });

  it('has no composition rules', () => {
    expect(checkPassword('correct horse battery staple', {}, never).ok).toBe(true);
  });

  it('refuses common passwords (asked lower-cased) with a reason', () => {
    const asked: string[] = [];
    const verdict = checkPassword('PasswordPassword', {}, (p) => (asked.push(p), p === 'passwordpassword'));
    expect(asked).toEqual(['passwordpassword']);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('too common') });
  });

  it("refuses the email's local part and an org name (3+ characters), case-insensitively", () => {
    expect(checkPassword('my-Margaret-2026!', { email: 'margaret@acme.test' }, never)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('email'),
    });
    expect(checkPassword('acme clinic rocks 1', { orgNames: ['Acme Clinic'] }, never)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('organization'),
    });
    // Too short to be meaningful: a two-letter local part or org name does not refuse everything containing it.
    expect(checkPassword('solar-jo-canyon-77', { email: 'jo@acme.test', orgNames: ['AB'] }, never).ok).toBe(true);
  });
});
