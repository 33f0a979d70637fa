/**
 * Standard Webhooks signatures (standardwebhooks.com, "Signature scheme"): the secret is `whsec_` + base64 of
 * random bytes; the signed content is `${webhook-id}.${webhook-timestamp}.${body}`; the `webhook-signature`
 * header is `v1,` + base64(HMAC-SHA256(secret bytes, signed content)), several separated by spaces (during a
 * secret rotation both the new and the previous secret sign, so a receiver with either verifies).
 */
import { WEBHOOKS } from '../config/defaults.ts';
import { hmacSha256Base64, randomBytes } from '../crypto/index.ts';

const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${PREFIX}${Buffer.from(randomBytes(WEBHOOKS.secretBytes)).toString('base64')}`;
}

function keyOf(secret: string): Uint8Array {
  return new Uint8Array(Buffer.from(secret.slice(PREFIX.length), 'base64'));
}

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** Headers for one delivery attempt, signed by each of `secrets` (current first). */
export function signDelivery(secrets: readonly string[], messageId: string, at: Date, body: string): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const content = `${messageId}.${timestamp}.${body}`;
  const signatures = secrets.map((secret) => `v1,${hmacSha256Base64(keyOf(secret), content)}`);
  return { 'webhook-id': messageId, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}
