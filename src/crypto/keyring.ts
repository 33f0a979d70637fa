/**
 * Server keys. Each master key has an id; the newest ("current") seals new data, older ones still open
 * what they sealed, so keys can be rotated. Sub-keys per purpose are derived with HKDF.
 *
 * Sources, in order: TWOFOLD_SECRET_KEY (production; one key, id "env"), else a key file in the data
 * folder, created on first start with mode 0600. The key file is JSON: {"current": id, "keys": {id: key}}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { aeadOpen, aeadSeal, deriveKey, keyedHash, randomBytes, randomToken } from './index.ts';

export const KEY_FILE_NAME = 'twofold.key';

export interface Keyring {
  readonly currentKeyId: string;
  /** Seals a secret under the current key: returns the key id to store beside the ciphertext. */
  seal(plaintext: Uint8Array, associatedData: string): { keyId: string; sealed: string };
  open(keyId: string, sealed: string, associatedData: string): Uint8Array;
  /** HMAC-SHA-256 under a purpose-bound server key (e.g. backup codes, CSRF). */
  keyedHash(purpose: string, value: string): string;
  /** The keyed hash under every key, current first: for checking values hashed before a rotation. */
  keyedHashes(purpose: string, value: string): string[];
}

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

export function keyringFromMasterKeys(currentKeyId: string, masterKeys: ReadonlyMap<string, Uint8Array>): Keyring {
  if (!masterKeys.has(currentKeyId)) throw new Error('current key id has no key');
  const aeadKeys = new Map<string, Uint8Array>();
  for (const [id, master] of masterKeys) aeadKeys.set(id, deriveKey(master, 'aead'));
  const hashKeys = new Map<string, Uint8Array>();
  return {
    currentKeyId,
    seal(plaintext, associatedData) {
      return { keyId: currentKeyId, sealed: aeadSeal(aeadKeys.get(currentKeyId)!, plaintext, associatedData) };
    },
    open(keyId, sealed, associatedData) {
      const key = aeadKeys.get(keyId);
      if (!key) throw new Error('unknown key id');
      return aeadOpen(key, sealed, associatedData);
    },
    keyedHash(purpose, value) {
      return keyedHash(hashKey(currentKeyId, purpose), value);
    },
    keyedHashes(purpose, value) {
      return [currentKeyId, ...[...masterKeys.keys()].filter((id) => id !== currentKeyId)].map((id) =>
        keyedHash(hashKey(id, purpose), value),
      );
    },
  };

  function hashKey(keyId: string, purpose: string): Uint8Array {
    const cacheKey = `${keyId}:${purpose}`;
    let key = hashKeys.get(cacheKey);
    if (!key) {
      key = deriveKey(masterKeys.get(keyId)!, `hash:${purpose}`);
      hashKeys.set(cacheKey, key);
    }
    return key;
  }
}

function decodeKey(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== 32) throw new Error('a key must be 32 bytes');
  return new Uint8Array(bytes);
}

/** Loads the keyring from the environment key, or from (creating if needed) the data folder's key file. */
export function loadKeyring(options: { secretKey: string | null; dataDir: string }): Keyring {
  if (options.secretKey) {
    return keyringFromMasterKeys('env', new Map([['env', decodeKey(options.secretKey)]]));
  }
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const id = `k${Date.now().toString(36)}`;
    const content: KeyFile = { current: id, keys: { [id]: Buffer.from(randomBytes(32)).toString('base64url') } };
    // 'wx' refuses to overwrite a key another process created in the meantime.
    try {
      fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  const keys = new Map<string, Uint8Array>();
  for (const [id, text] of Object.entries(parsed.keys)) keys.set(id, decodeKey(text));
  return keyringFromMasterKeys(parsed.current, keys);
}

/** A fresh keyring for tests and tools. */
export function ephemeralKeyring(): Keyring {
  return keyringFromMasterKeys('test', new Map([['test', decodeKey(randomToken(32))]]));
}
