/**
 * API keys for machines (docs/product.md "API keys"): `tf_` + 30 random base62 characters (178 bits) + a
 * 6-character CRC-32 checksum; shown once, stored as SHA-256 (a high-entropy secret needs no slow hash);
 * scope read or write; per user or per org. An org key acts with its creator's rights, only inside its
 * org, and stops working when the creator stops being an owner/admin there. Unaffected by 2FA.
 * This file is the only writer of `api_keys`; creating and revoking keys are flows (src/flows/api-keys.ts).
 */
import { randomId, randomString, sha256Hex } from '../crypto/index.ts';
import { BASE62, crc32, toBase62 } from '../core/checksum.ts';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';

export const API_KEY_PREFIX = 'tf_';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

export type ApiKeyScope = 'read' | 'write';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  orgId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ApiKeyPrincipal {
  readonly id: string;
  readonly userId: string;
  readonly orgId: string | null;
  readonly scope: ApiKeyScope;
}

/** True when the text has the shape and checksum of a twofold key (no database needed). */
export function hasValidChecksum(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(0, API_KEY_PREFIX.length + RANDOM_LENGTH);
  return toBase62(crc32(body), CHECKSUM_LENGTH) === key.slice(-CHECKSUM_LENGTH);
}

function newKey(): string {
  const body = API_KEY_PREFIX + randomString(BASE62, RANDOM_LENGTH);
  return body + toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** Stores a new key (its hash) and returns it, the only time it is shown. */
export async function insertApiKey(
  ctx: Ctx,
  owner: { userId: string; orgId: string | null },
  input: { name: string; scope: ApiKeyScope },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const key = newKey();
  const view: ApiKeyView = {
    id: randomId(),
    name: input.name.trim(),
    prefix: key.slice(0, 8),
    scope: input.scope,
    orgId: owner.orgId,
    createdAt: ctx.clock().toISOString(),
    lastUsedAt: null,
  };
  if (!view.name)
    throw new AppError('invalid_request', { key: 'errors:messages.apiKeys.nameMissing', details: { field: 'name' } });
  await ctx.db.kysely
    .insertInto('api_keys')
    .values({
      id: view.id,
      user_id: owner.userId,
      org_id: owner.orgId,
      name: view.name,
      prefix: view.prefix,
      key_hash: sha256Hex(key),
      scope: view.scope,
      created_at: view.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { key, apiKey: view };
}

export async function listApiKeys(ctx: Ctx, owner: { userId: string } | { orgId: string }): Promise<ApiKeyView[]> {
  let q = ctx.db.kysely.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null);
  q =
    'orgId' in owner
      ? q.where('org_id', '=', owner.orgId)
      : q.where('user_id', '=', owner.userId).where('org_id', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scope: r.scope,
    orgId: r.org_id,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes a live key of the owner (a person's own keys, or an org's); false when there is none by that id. */
export async function revokeApiKeyRow(
  ctx: Ctx,
  owner: { userId: string } | { orgId: string },
  id: string,
): Promise<boolean> {
  let q = ctx.db.kysely
    .updateTable('api_keys')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  q =
    'orgId' in owner
      ? q.where('org_id', '=', owner.orgId)
      : q.where('user_id', '=', owner.userId).where('org_id', 'is', null);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The live key behind a bearer token, or null. Records its use at most once a minute. */
export async function resolveApiKey(ctx: Ctx, key: string): Promise<ApiKeyPrincipal | null> {
  if (!hasValidChecksum(key)) return null;
  const row = await ctx.db.kysely
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', sha256Hex(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
    await ctx.db.kysely
      .updateTable('api_keys')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return { id: row.id, userId: row.user_id, orgId: row.org_id, scope: row.scope };
}
