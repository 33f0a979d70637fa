/**
 * ID-token signing keys, in the database with their private halves sealed by the keyring (so a database
 * copy alone cannot sign). The newest key signs; the previous one stays published in the JWKS until the
 * next rotation, so tokens signed just before a rotation still verify (OIDC Core 1.0 §10.1.1).
 */
import type { Ctx } from '../context.ts';
import { audit } from '../context.ts';
import { generateRsaSigningJwk, randomToken } from '../crypto/index.ts';

/** The first key has a fixed id, so instances starting together on an empty database agree on it. */
const FIRST_KID = 'tf-1';
/** Keys published at once: the signing key and the one before it. */
const PUBLISHED_KEYS = 2;

export interface SigningKeySet {
  /** Private JWKs, newest (signing) first. */
  readonly keys: Array<Record<string, string>>;
  /** Changes whenever a key is added or retired: instances compare it to reload. */
  readonly version: string;
}

function sealKey(ctx: Ctx, kid: string): { key_id: string; sealed_private_jwk: string } {
  const jwk = { ...generateRsaSigningJwk(), kid, alg: 'RS256', use: 'sig' };
  const sealed = ctx.keyring.seal(new TextEncoder().encode(JSON.stringify(jwk)), `oidc-signing-key:${kid}`);
  return { key_id: sealed.keyId, sealed_private_jwk: sealed.sealed };
}

async function activeRows(ctx: Ctx) {
  return ctx.db.kysely
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
}

export async function signingKeysVersion(ctx: Ctx): Promise<string> {
  return (await activeRows(ctx)).map((r) => r.kid).join(',');
}

/** The published keys, creating the first one when there is none. */
export async function loadSigningKeys(ctx: Ctx): Promise<SigningKeySet> {
  let rows = await activeRows(ctx);
  if (rows.length === 0) {
    await ctx.db.kysely
      .insertInto('oidc_signing_keys')
      .values({
        kid: FIRST_KID,
        alg: 'RS256',
        ...sealKey(ctx, FIRST_KID),
        created_at: ctx.clock().toISOString(),
        retired_at: null,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
    rows = await activeRows(ctx);
  }
  const keys = rows.map(
    (row) =>
      JSON.parse(
        new TextDecoder().decode(ctx.keyring.open(row.key_id, row.sealed_private_jwk, `oidc-signing-key:${row.kid}`)),
      ) as Record<string, string>,
  );
  return { keys, version: rows.map((r) => r.kid).join(',') };
}

/** Adds a new signing key and retires all but the previous one. Running instances pick it up within a minute. */
export async function rotateSigningKey(ctx: Ctx): Promise<{ kid: string; retired: string[] }> {
  const kid = `tf-${ctx.clock().toISOString().slice(0, 10)}-${randomToken(6)}`;
  const now = ctx.clock().toISOString();
  await ctx.db.kysely
    .insertInto('oidc_signing_keys')
    .values({ kid, alg: 'RS256', ...sealKey(ctx, kid), created_at: now, retired_at: null })
    .execute();
  const rows = await activeRows(ctx);
  const retired = rows.slice(PUBLISHED_KEYS).map((r) => r.kid);
  if (retired.length > 0)
    await ctx.db.kysely.updateTable('oidc_signing_keys').set({ retired_at: now }).where('kid', 'in', retired).execute();
  await audit(ctx, null, { event: 'oidc.signing_key_rotated', details: { kid, retired: retired.join(',') } });
  return { kid, retired };
}

export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: string;
  readonly retiredAt: string | null;
  readonly signing: boolean;
}

/** Every key, newest first: which one signs, which are published, which are retired. */
export async function listSigningKeys(ctx: Ctx): Promise<SigningKeyInfo[]> {
  const rows = await ctx.db.kysely
    .selectFrom('oidc_signing_keys')
    .select(['kid', 'alg', 'created_at', 'retired_at'])
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
  const signing = rows.find((r) => r.retired_at === null)?.kid;
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
    signing: r.kid === signing,
  }));
}
