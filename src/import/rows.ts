/**
 * One row of a bulk import, parsed and checked without I/O. JSON Lines objects or CSV with a header
 * (email, org, role, name, password_hash, totp_secret). A rejected row carries a reason and never its
 * secrets.
 */
import { ROLES, type Role } from '../db/schema.ts';
import { isValidEmail, normaliseEmail } from '../core/email.ts';
import { base32Decode, base32Encode } from '../core/base32.ts';
import { hashScheme } from '../crypto/legacy-hashes.ts';

export interface ImportRow {
  readonly email: string;
  readonly org: string;
  readonly role: Role;
  readonly name: string;
  readonly passwordHash: string | null;
  /** Canonical base32 of an existing authenticator seed, kept so people keep their app entry. */
  readonly totpSecret: string | null;
}

/** Why a row was rejected: a stable code (pages word it in the reader's language) and its English text. */
export type RowProblem = 'notObject' | 'email' | 'org' | 'role' | 'passwordHash' | 'totpShort' | 'totpBase32';

/** The English reason of each problem, as the CLI's rejected-rows file and the importer's report give it. */
export const ROW_PROBLEM_TEXT: Readonly<Record<RowProblem, string>> = {
  notObject: 'not a JSON object',
  email: 'email is missing or not valid',
  org: 'org must be 2–100 characters',
  role: `role must be one of ${ROLES.join(', ')}`,
  passwordHash: 'password_hash is not argon2, bcrypt, scrypt or PBKDF2 in a known encoding',
  totpShort: 'totp_secret is shorter than 80 bits',
  totpBase32: 'totp_secret is not base32',
};

export type RowResult =
  | { readonly ok: true; readonly row: ImportRow }
  | { readonly ok: false; readonly problem: RowProblem; readonly reason: string };

export function rowRejected(problem: RowProblem): RowResult & { readonly ok: false } {
  return { ok: false, problem, reason: ROW_PROBLEM_TEXT[problem] };
}

/** Authenticator apps commonly use 80-bit seeds (RFC 4226 §4 requires ≥ 128 for new ones; we make 160). */
const MIN_IMPORTED_SEED_BYTES = 10;

export function checkRow(raw: Record<string, unknown>): RowResult {
  const text = (key: string): string => (typeof raw[key] === 'string' ? (raw[key] as string).trim() : '');
  const email = normaliseEmail(text('email'));
  if (!isValidEmail(email)) return rowRejected('email');
  const org = text('org').normalize('NFKC').replace(/\s+/g, ' ');
  if (org.length < 2 || org.length > 100) return rowRejected('org');
  const role = text('role').toLowerCase();
  if (!ROLES.includes(role as Role)) return rowRejected('role');
  const passwordHash = text('password_hash') || text('passwordHash');
  if (passwordHash && !hashScheme(passwordHash)) return rowRejected('passwordHash');
  const seedText = text('totp_secret') || text('totpSecret');
  let totpSecret: string | null = null;
  if (seedText) {
    try {
      const seed = base32Decode(seedText.replace(/[\s-]/g, ''));
      if (seed.length < MIN_IMPORTED_SEED_BYTES) return rowRejected('totpShort');
      totpSecret = base32Encode(seed);
    } catch {
      return rowRejected('totpBase32');
    }
  }
  return {
    ok: true,
    row: {
      email,
      org,
      role: role as Role,
      name: text('name').slice(0, 200),
      passwordHash: passwordHash || null,
      totpSecret,
    },
  };
}

/** Splits one CSV line (RFC 4180 quoting; no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
