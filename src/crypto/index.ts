/**
 * The only module that imports node:crypto. Randomness, hashing, keyed hashes, AEAD with key ids and
 * constant-time comparison live here; everything else calls these functions.
 */
import crypto from 'node:crypto';

/** Bytes from the operating system's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(crypto.randomBytes(length));
}

/** A random token in base64url (no padding). */
export function randomToken(byteLength: number): string {
  return Buffer.from(randomBytes(byteLength)).toString('base64url');
}

/** A random UUID v4, from Node's buffered CSPRNG: cheap enough for every request id. */
export function randomUuid(): string {
  return crypto.randomUUID();
}

/** A random identifier for rows: 128 bits, base64url. */
export function randomId(): string {
  return randomToken(16);
}

/**
 * A uniformly random string of `length` characters from `alphabet`, by rejection sampling
 * (no modulo bias): bytes ≥ the largest multiple of the alphabet size are discarded.
 */
export function randomString(alphabet: string, length: number): string {
  if (alphabet.length < 2 || alphabet.length > 256) throw new RangeError('alphabet must have 2–256 characters');
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A random decimal code of exactly `digits` digits (leading zeros allowed). */
export function randomDigits(digits: number): string {
  return randomString('0123456789', digits);
}

/** SHA-256 of a UTF-8 string, hex. Used for high-entropy tokens stored at rest. */
export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('hex');
}

/** HMAC with the given hash over raw bytes (for HOTP, RFC 4226 §5.3). */
export function hmac(algorithm: 'sha1' | 'sha256' | 'sha512', key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(crypto.createHmac(algorithm, key).update(message).digest());
}

/** HMAC-SHA-256 of a UTF-8 string under a server key, base64url. */
export function keyedHash(key: Uint8Array, value: string): string {
  return crypto.createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** HMAC-SHA-256 of a UTF-8 message under a UTF-8 shared secret, hex (signed webhooks). */
export function hmacSha256Hex(secret: string, message: string): string {
  return crypto.createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** HMAC-SHA-256 of a UTF-8 message under a raw key, standard base64 (Standard Webhooks signatures). */
export function hmacSha256Base64(key: Uint8Array, message: string): string {
  return crypto.createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

/** Constant-time equality of two strings (lengths are not secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return crypto.timingSafeEqual(left, right);
}

/** HKDF-SHA-256 (RFC 5869) of a 32-byte sub-key for one purpose. */
export function deriveKey(master: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(crypto.hkdfSync('sha256', master, new Uint8Array(0), `twofold:${purpose}`, 32));
}

/** AES-256-GCM (NIST SP 800-38D): 96-bit random nonce, 128-bit tag. */
const AEAD_NONCE_BYTES = 12;
const AEAD_TAG_BYTES = 16;

/** Seals `plaintext` with `key`; `associatedData` binds the ciphertext to its row. Output base64url. */
export function aeadSeal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): string {
  const nonce = crypto.randomBytes(AEAD_NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a value sealed by aeadSeal; throws if it was altered or sealed for other associated data. */
export function aeadOpen(key: Uint8Array, sealed: string, associatedData: string): Uint8Array {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < AEAD_NONCE_BYTES + AEAD_TAG_BYTES) throw new Error('sealed value too short');
  const nonce = raw.subarray(0, AEAD_NONCE_BYTES);
  const tag = raw.subarray(raw.length - AEAD_TAG_BYTES);
  const body = raw.subarray(AEAD_NONCE_BYTES, raw.length - AEAD_TAG_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
}

/**
 * A new RSA key pair for signing ID tokens (RS256 is the algorithm every OpenID Connect client must
 * accept, OIDC Core 1.0 §15.1; 2048-bit modulus per NIST SP 800-57 Part 1 Rev. 5 Table 2), as a private JWK.
 */
export function generateRsaSigningJwk(): Record<string, string> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' }) as Record<string, string>;
}

/**
 * A compact JWS (RFC 7515) signed with RS256 by a private RSA JWK: `header` gets `alg` and the key's `kid`.
 */
export function signJwtRs256(
  privateJwk: Record<string, string>,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ ...header, alg: 'RS256', kid: privateJwk.kid })}.${encode(claims)}`;
  const key = crypto.createPrivateKey({ key: privateJwk as crypto.JsonWebKey, format: 'jwk' });
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
