/**
 * Password hashes brought in by an import, verified as they are; the sign-in that proves one re-hashes the
 * password with argon2id. Recognised encodings:
 * - argon2id/argon2i PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`)
 * - bcrypt (`$2a$`, `$2b$`, `$2y$`, cost in the string)
 * - scrypt, passlib style (`$scrypt$ln=15,r=8,p=1$<b64 salt>$<b64 hash>`)
 * - PBKDF2, Django style (`pbkdf2_sha256$<iterations>$<salt>$<b64 hash>`, also pbkdf2_sha1)
 *   and passlib style (`$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 hash>`, also sha1/sha512)
 */
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { verify as argon2Verify } from '@node-rs/argon2';

export type HashScheme = 'argon2' | 'bcrypt' | 'scrypt' | 'pbkdf2';

/** passlib's "adapted base64": '.' instead of '+', no padding. */
function ab64(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

export function hashScheme(encoded: string): HashScheme | null {
  if (/^\$argon2(id|i)\$/.test(encoded)) return 'argon2';
  if (/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(encoded)) return 'bcrypt';
  if (/^\$scrypt\$ln=\d{1,2},r=\d{1,2},p=\d{1,2}\$[^$]+\$[^$]+$/.test(encoded)) return 'scrypt';
  if (/^pbkdf2_sha(1|256)\$\d{1,7}\$[^$]+\$[A-Za-z0-9+/=]+$/.test(encoded)) return 'pbkdf2';
  if (/^\$pbkdf2(-sha(256|512))?\$\d{1,7}\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+$/.test(encoded)) return 'pbkdf2';
  return null;
}

function timingSafe(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function pbkdf2(password: string, salt: Buffer, rounds: number, digest: string, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.pbkdf2(password, salt, rounds, length, digest, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password, salt, length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** Verifies `password` against an imported hash; false for a wrong password or an unknown encoding. */
export async function verifyImportedHash(encoded: string, password: string): Promise<boolean> {
  try {
    switch (hashScheme(encoded)) {
      case 'argon2':
        return await argon2Verify(encoded, password);
      case 'bcrypt':
        return await bcrypt.compare(password, encoded);
      case 'scrypt': {
        const [, , params, salt, hash] = encoded.split('$');
        const values = Object.fromEntries(params!.split(',').map((kv) => kv.split('=') as [string, string]));
        const expected = Buffer.from(hash!, 'base64');
        const actual = await scrypt(
          password,
          Buffer.from(salt!, 'base64'),
          2 ** Number(values.ln),
          Number(values.r),
          Number(values.p),
          expected.length,
        );
        return timingSafe(actual, expected);
      }
      case 'pbkdf2': {
        if (encoded.startsWith('pbkdf2_')) {
          const [algorithm, rounds, salt, hash] = encoded.split('$');
          const expected = Buffer.from(hash!, 'base64');
          const actual = await pbkdf2(
            password,
            Buffer.from(salt!, 'utf8'),
            Number(rounds),
            algorithm === 'pbkdf2_sha1' ? 'sha1' : 'sha256',
            expected.length,
          );
          return timingSafe(actual, expected);
        }
        const [, scheme, rounds, salt, hash] = encoded.split('$');
        const digest = scheme === 'pbkdf2-sha512' ? 'sha512' : scheme === 'pbkdf2-sha256' ? 'sha256' : 'sha1';
        const expected = ab64(hash!);
        const actual = await pbkdf2(password, ab64(salt!), Number(rounds), digest, expected.length);
        return timingSafe(actual, expected);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}
