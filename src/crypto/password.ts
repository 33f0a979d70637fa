/**
 * Password hashing with argon2id at OWASP parameters (m = 19 MiB, t = 2, p = 1). @node-rs/argon2 runs
 * the hash on libuv's thread pool, off the event loop. The PHC string carries its parameters, so they can
 * be raised later and old hashes still verify.
 */
import os from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { PASSWORD } from '../config/defaults.ts';
import { verifyImportedHash } from './legacy-hashes.ts';

/**
 * At most (cores − 1, at least 1) password hashes run at once: argon2id is memory-hard CPU work, and
 * letting the thread pool run four of them on two cores starved every other request during a sign-in
 * storm (session-check p99 105 ms → 17 ms with a cap; bench/RESULTS.md). Excess hashes wait their turn.
 */
const MAX_PARALLEL_HASHES = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
let running = 0;
const waiting: Array<() => void> = [];

/** True when so many password checks wait for a hashing slot that a new one should be turned away. */
export function hashQueueFull(): boolean {
  return waiting.length >= PASSWORD.maxWaitingHashes;
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A finishing hash hands its slot straight to the next waiter, so the cap holds exactly.
  if (running >= MAX_PARALLEL_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

export async function hashPassword(normalisedPassword: string): Promise<string> {
  return limited(() =>
    hash(normalisedPassword, {
      algorithm: Algorithm.Argon2id,
      memoryCost: PASSWORD.argon2.memoryCost,
      timeCost: PASSWORD.argon2.timeCost,
      parallelism: PASSWORD.argon2.parallelism,
    }),
  );
}

export async function verifyPassword(storedHash: string, normalisedPassword: string): Promise<boolean> {
  if (!storedHash.startsWith('$argon2')) return verifyImportedHash(storedHash, normalisedPassword);
  try {
    return await limited(() => verify(storedHash, normalisedPassword));
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
