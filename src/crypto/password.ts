/**
 * Password hashing with argon2id at OWASP parameters (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs
 * the hash on libuv's thread pool, off the event loop. The PHC string carries its parameters, so they can
 * be raised later and old hashes still verify.
 */
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { PASSWORD } from '../config/defaults.ts';
import { verifyImportedHash } from './legacy-hashes.ts';

export async function hashPassword(normalisedPassword: string): Promise<string> {
  return hash(normalisedPassword, {
    algorithm: Algorithm.Argon2id,
    memoryCost: PASSWORD.argon2.memoryCost,
    timeCost: PASSWORD.argon2.timeCost,
    parallelism: PASSWORD.argon2.parallelism,
  });
}

export async function verifyPassword(storedHash: string, normalisedPassword: string): Promise<boolean> {
  if (!storedHash.startsWith('$argon2')) return verifyImportedHash(storedHash, normalisedPassword);
  try {
    return await verify(storedHash, normalisedPassword);
  } catch {
    return false;
  }
}

const CURRENT_PARAMETERS = `$argon2id$v=19$m=${PASSWORD.argon2.memoryCost},t=${PASSWORD.argon2.timeCost},p=${PASSWORD.argon2.parallelism}$`;

/** True when a stored hash is not argon2id at today's parameters: re-hash it at the next good sign-in. */
export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(CURRENT_PARAMETERS);
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the time of one verification against a fixed hash, so that an unknown email answers in about
 * the same time as a wrong password (ASVS 5.0 6.3.8).
 */
export async function verifyAgainstDummy(normalisedPassword: string): Promise<false> {
  dummyHash ??= hashPassword('twofold-dummy-password-for-timing');
  await verifyPassword(await dummyHash, normalisedPassword);
  return false;
}
