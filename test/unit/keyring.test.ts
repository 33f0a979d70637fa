/**
 * Server keys (docs/security.md "secrets at rest"; docs/product.md "encrypted at rest ... key outside the database"):
 * the key file is created once with mode 0600 and reused; a value sealed under an old key still opens
 * after a new key becomes current, and new values are sealed under the new one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomToken } from '../../src/crypto/index.ts';
import { ephemeralKeyring, KEY_FILE_NAME, loadKeyring } from '../../src/crypto/keyring.ts';

const SECRET = new TextEncoder().encode('JBSWY3DPEHPK3PXP-seed');

describe('keyring', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-keys-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the key file with mode 0600 on first load, in a data folder it creates', () => {
    const dataDir = path.join(dir, 'nested', 'data');
    loadKeyring({ secretKey: null, dataDir });
    const stat = fs.statSync(path.join(dataDir, KEY_FILE_NAME));
    expect(stat.mode & 0o777).toBe(0o600);
    const content = JSON.parse(fs.readFileSync(path.join(dataDir, KEY_FILE_NAME), 'utf8')) as {
      current: string;
      keys: Record<string, string>;
    };
    expect(Object.keys(content.keys)).toEqual([content.current]);
    expect(Buffer.from(content.keys[content.current]!, 'base64url')).toHaveLength(32);
  });

  it('reuses the key file on the next load: what one process sealed, the next opens', () => {
    const first = loadKeyring({ secretKey: null, dataDir: dir });
    const before = fs.readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8');
    const { keyId, sealed } = first.seal(SECRET, 'factor:1');
    const second = loadKeyring({ secretKey: null, dataDir: dir });
    expect(fs.readFileSync(path.join(dir, KEY_FILE_NAME), 'utf8')).toBe(before);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(second.open(keyId, sealed, 'factor:1')).toEqual(SECRET);
    expect(second.keyedHash('backup', 'abc')).toBe(first.keyedHash('backup', 'abc'));
  });

  it('opens values sealed under an old key after a new key becomes current', () => {
    const k1 = randomToken(32);
    const k2 = randomToken(32);
    const file = path.join(dir, KEY_FILE_NAME);
    fs.writeFileSync(file, JSON.stringify({ current: 'k1', keys: { k1 } }), { mode: 0o600 });
    const old = loadKeyring({ secretKey: null, dataDir: dir });
    const sealedOld = old.seal(SECRET, 'factor:7');
    expect(sealedOld.keyId).toBe('k1');

    fs.writeFileSync(file, JSON.stringify({ current: 'k2', keys: { k1, k2 } }), { mode: 0o600 });
    const rotated = loadKeyring({ secretKey: null, dataDir: dir });
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(sealedOld.keyId, sealedOld.sealed, 'factor:7')).toEqual(SECRET);
    const sealedNew = rotated.seal(SECRET, 'factor:7');
    expect(sealedNew.keyId).toBe('k2');
    expect(rotated.open('k2', sealedNew.sealed, 'factor:7')).toEqual(SECRET);
    // The key id matters: a value sealed under k1 does not open as k2.
    expect(() => rotated.open('k2', sealedOld.sealed, 'factor:7')).toThrow();
    expect(() => rotated.open('k3', sealedOld.sealed, 'factor:7')).toThrow();
  });

  it('TWOFOLD_SECRET_KEY takes precedence and writes no key file', () => {
    const keyring = loadKeyring({ secretKey: randomToken(32), dataDir: dir });
    expect(keyring.currentKeyId).toBe('env');
    expect(fs.existsSync(path.join(dir, KEY_FILE_NAME))).toBe(false);
    const { keyId, sealed } = keyring.seal(SECRET, 'x');
    expect(keyring.open(keyId, sealed, 'x')).toEqual(SECRET);
  });

  it('refuses a key file whose keys are not 32 bytes', () => {
    fs.writeFileSync(path.join(dir, KEY_FILE_NAME), JSON.stringify({ current: 'k1', keys: { k1: randomToken(16) } }));
    expect(() => loadKeyring({ secretKey: null, dataDir: dir })).toThrow();
  });

  it('keyed hashes depend on the purpose and on the server key', () => {
    const a = ephemeralKeyring();
    const b = ephemeralKeyring();
    expect(a.keyedHash('backup', 'code')).toBe(a.keyedHash('backup', 'code'));
    expect(a.keyedHash('backup', 'code')).not.toBe(a.keyedHash('csrf', 'code'));
    expect(a.keyedHash('backup', 'code')).not.toBe(b.keyedHash('backup', 'code'));
  });
});
