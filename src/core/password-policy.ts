/**
 * Password acceptance rules — NIST SP 800-63B rev 4 §3.1.1.2, ASVS 5.0 6.2.x, docs/product.md:
 * 12–256 characters after NFKC, no composition rules, no truncation, refused when common or when it
 * contains the email's local part or an org name. Every refusal carries a reason the person can act on.
 */
import { PASSWORD } from '../config/defaults.ts';
import { english, type MessageKey, type MessageValues } from '../i18n/index.ts';

/** A refusal's text (`key`, `values`) for the reader's language, and its English `reason` for the API. */
export type PasswordVerdict =
  | { readonly ok: true; readonly normalised: string }
  | { readonly ok: false; readonly reason: string; readonly key: MessageKey; readonly values: MessageValues };

function refused(key: MessageKey, values: MessageValues = {}): PasswordVerdict {
  return { ok: false, reason: english(key, values), key, values };
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
    return refused('errors:messages.password.tooShort', { min: PASSWORD.minLength });
  }
  if (length > PASSWORD.maxLength) {
    return refused('errors:messages.password.tooLong', { max: PASSWORD.maxLength });
  }
  const lower = normalised.toLowerCase();
  if (isCommon(lower)) {
    return refused('errors:messages.password.common');
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 3 && lower.includes(localPart)) {
    return refused('errors:messages.password.containsEmail');
  }
  for (const orgName of context.orgNames ?? []) {
    const name = orgName.normalize('NFKC').toLowerCase().trim();
    if (name.length >= 3 && lower.includes(name)) {
      return refused('errors:messages.password.containsOrgName');
    }
  }
  return { ok: true, normalised };
}
