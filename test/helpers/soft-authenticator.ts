/**
 * A software WebAuthn authenticator for HTTP tests: an ES256 (P-256) key per credential, attestation
 * format "none", and assertions signed over authenticatorData ‖ SHA-256(clientDataJSON) — the bytes a
 * browser would send (WebAuthn L3 §6.1 authenticator data, §6.5.4 "none", §8.7). Every flag, the
 * origin, the counter and the challenge can be overridden to produce hostile responses.
 */
import crypto from 'node:crypto';

type Json = Record<string, unknown>;

const FLAG = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 } as const;

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string): Buffer => crypto.createHash('sha256').update(bytes).digest();

/** The little CBOR (RFC 8949) a COSE key and an attestation object need: ints, bytes, text, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (value instanceof Map)
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: unsupported ${typeof value}`);
}

export interface Credential {
  readonly id: Buffer;
  readonly privateKey: crypto.KeyObject;
  readonly cose: Buffer;
  readonly userHandle: string;
  counter: number;
}

export interface Overrides {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  up?: boolean;
  uv?: boolean;
  /** Sets the signature counter for this use (and keeps it). */
  counter?: number;
}

export interface AuthenticatorOptions {
  readonly origin: string;
  /** User verification (PIN, biometrics) performed: the UV flag. */
  readonly userVerified?: boolean;
  /** Backup eligible and backed up (a synced, multi-device passkey). */
  readonly synced?: boolean;
  /** How much the counter grows per use; 0 for authenticators without a counter. */
  readonly counterStep?: number;
  readonly credentialIdBytes?: number;
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  constructor(private readonly options: AuthenticatorOptions) {}

  private rpIdOf(override?: string): string {
    return override ?? new URL(this.options.origin).hostname;
  }

  private flags(o: Overrides, extra: number): number {
    let flags = extra;
    if (o.up ?? true) flags |= FLAG.up;
    if (o.uv ?? this.options.userVerified ?? true) flags |= FLAG.uv;
    if (this.options.synced) flags |= FLAG.be | FLAG.bs;
    return flags;
  }

  private clientData(type: string, challenge: string, o: Overrides): Buffer {
    return Buffer.from(
      JSON.stringify({
        type: o.type ?? type,
        challenge: o.challenge ?? challenge,
        origin: o.origin ?? this.options.origin,
        crossOrigin: false,
      }),
    );
  }

  /** navigator.credentials.create(): a new credential and its registration response JSON. */
  create(options: Json, o: Overrides = {}, reuse?: Credential): Json {
    const rp = options.rp as { id?: string };
    const user = options.user as { id: string };
    let credential = reuse;
    if (!credential) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const cose = cbor(
        new Map<number, unknown>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x!, 'base64url')],
          [-3, Buffer.from(jwk.y!, 'base64url')],
        ]),
      );
      credential = {
        id: crypto.randomBytes(this.options.credentialIdBytes ?? 32),
        privateKey,
        cose,
        userHandle: user.id,
        counter: 0,
      };
      this.credentials.push(credential);
    }
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(this.rpIdOf(o.rpId ?? rp.id)),
      Buffer.from([this.flags(o, FLAG.at)]),
      Buffer.alloc(4),
      Buffer.alloc(16),
      idLength,
      Buffer.from(credential.id),
      credential.cose,
    ]);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const id = b64url(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge as string, o)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get(): an assertion by `credential` (default: the first one allowed). */
  get(options: Json, o: Overrides = {}, credential?: Credential): Json {
    const allowed = (options.allowCredentials as Array<{ id: string }> | undefined)?.map((c) => c.id);
    const use = credential ?? this.credentials.find((c) => !allowed || allowed.includes(b64url(c.id)));
    if (!use) throw new Error('no credential for these options');
    use.counter = o.counter ?? use.counter + (this.options.counterStep ?? 1);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(use.counter);
    const authData = Buffer.concat([
      sha256(this.rpIdOf(o.rpId ?? (options.rpId as string))),
      Buffer.from([this.flags(o, 0)]),
      counter,
    ]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge as string, o);
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), use.privateKey);
    const id = b64url(use.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: use.userHandle,
      },
    };
  }
}
