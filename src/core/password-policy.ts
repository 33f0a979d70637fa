/**
 * Password acceptance rules — NIST SP 800-63B rev 4 §3.1.1.2, ASVS 5.0 6.2.x, docs/product.md:
 * 12–256 characters after NFKC, no composition rules, no truncation, refused when common or when it
 * contains the email's local part or an org name. Every refusal carries a reason the person can act on.
 */
import { PASSWORD } from '../config/defaults.ts';

/**
 * Why a password is refused, the reason the person can act on: its text is
 * `errors:messages.password.<refusal>` in the catalogues, with `values` (src/i18n).
 */
export type PasswordRefusal = 'tooShort' | 'tooLong' | 'common' | 'containsEmail' | 'containsOrgName';

export type PasswordVerdict =
  | { readonly ok: true; readonly normalised: string }
  | { readonly ok: false; readonly refusal: PasswordRefusal; readonly values: Readonly<Record<string, number>> };

function refused(refusal: PasswordRefusal, values: Readonly<Record<string, number>> = {}): PasswordVerdict {
  return { ok: false, refusal, values };
}

export interface PasswordContext {
  readonly email?: string;
  readonly orgNames?: readonly string[];
}

/** NFKC normalisation applied before hashing and before every check (NIST SP 800-63B rev 4 §3.1.1.2). */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in Unicode code points, as NIST counts characters. */
function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export function checkPassword(
  password: string,
  context: PasswordContext,
  isCommon: (lowerCased: string) => boolean,
): PasswordVerdict {
  const normalised = normalisePassword(password);
  const length = codePointLength(normalised);
  if (length < PASSWORD.minLength) {
    return refused('tooShort', { min: PASSWORD.minLength });
  }
  if (length > PASSWORD.maxLength) {
    return refused('tooLong', { max: PASSWORD.maxLength });
  }
  const lower = normalised.toLowerCase();
  if (isCommon(lower)) {
    return refused('common');
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 3 && lower.includes(localPart)) {
    return refused('containsEmail');
  }
  for (const orgName of context.orgNames ?? []) {
    const name = orgName.normalize('NFKC').toLowerCase().trim();
    if (name.length >= 3 && lower.includes(name)) {
      return refused('containsOrgName');
    }
  }
  return { ok: true, normalised };
}
