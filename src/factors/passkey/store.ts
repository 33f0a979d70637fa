/**
 * Passkey storage: WebAuthn credentials (public key, signature counter, flags) and the server-stored
 * challenges of each ceremony. A challenge is single use: it is consumed by one conditional UPDATE and
 * the affected row count decides (docs/security.md "WebAuthn"); every options call stores a new one.
 */
import { sql } from 'kysely';
import { PASSKEY } from '../../config/defaults.ts';
import { randomId, randomToken } from '../../crypto/index.ts';
import { addSeconds } from '../../core/clock.ts';
import type { Ctx } from '../../context.ts';
import type { WebauthnPurpose } from '../../db/schema.ts';

export type { WebauthnPurpose };
export type DeviceType = 'singleDevice' | 'multiDevice';

export interface Passkey {
  readonly id: string;
  readonly userId: string;
  /** base64url, as the browser reports it. */
  readonly credentialId: string;
  readonly publicKey: Uint8Array<ArrayBuffer>;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly deviceType: DeviceType;
  readonly backedUp: boolean;
  readonly label: string;
  readonly aaguid: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

interface PasskeyRecord {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: string | number;
  transports: string;
  device_type: string;
  backed_up: number;
  label: string;
  aaguid: string;
  created_at: string;
  last_used_at: string | null;
}

function toPasskey(row: PasskeyRecord): Passkey {
  const transports = JSON.parse(row.transports) as unknown;
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
    counter: Number(row.counter),
    transports: Array.isArray(transports) ? transports.filter((t): t is string => typeof t === 'string') : [],
    deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: Number(row.backed_up) === 1,
    label: row.label,
    aaguid: row.aaguid,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Stores a fresh challenge (32 random bytes, base64url) for one ceremony; expired ones are swept. */
export async function createWebauthnChallenge(
  ctx: Ctx,
  input: { userId: string | null; purpose: WebauthnPurpose; label?: string },
): Promise<{ challenge: string; expiresAt: string }> {
  const now = ctx.clock();
  const challenge = randomToken(PASSKEY.challengeBytes);
  const expiresAt = addSeconds(now, PASSKEY.challengeSeconds).toISOString();
  await ctx.db.kysely.deleteFrom('webauthn_challenges').where('expires_at', '<=', now.toISOString()).execute();
  await ctx.db.kysely
    .insertInto('webauthn_challenges')
    .values({
      id: randomId(),
      user_id: input.userId,
      purpose: input.purpose,
      challenge,
      label: input.label ?? null,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      consumed_at: null,
    })
    .execute();
  return { challenge, expiresAt };
}

/** The purpose a live or spent challenge was issued for (routes branch on it); null when unknown. */
export async function challengePurpose(ctx: Ctx, challenge: string): Promise<WebauthnPurpose | null> {
  const row = await ctx.db.kysely
    .selectFrom('webauthn_challenges')
    .select('purpose')
    .where('challenge', '=', challenge)
    .executeTakeFirst();
  return row?.purpose ?? null;
}

export type ConsumeResult =
  { ok: true; label: string | null } | { ok: false; reason: 'unknown' | 'expired' | 'replayed' };

/**
 * Spends a challenge issued for `purpose` to `userId` (null: passwordless, no user yet). The conditional
 * UPDATE runs once per challenge, so a replayed response or a parallel duplicate finds nothing to spend.
 */
export async function consumeWebauthnChallenge(
  ctx: Ctx,
  challenge: string,
  expect: { purpose: WebauthnPurpose; userId: string | null },
): Promise<ConsumeResult> {
  const now = ctx.clock().toISOString();
  let query = ctx.db.kysely
    .selectFrom('webauthn_challenges')
    .selectAll()
    .where('challenge', '=', challenge)
    .where('purpose', '=', expect.purpose);
  query = expect.userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', expect.userId);
  const row = await query.executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.consumed_at) return { ok: false, reason: 'replayed' };
  if (row.expires_at <= now) return { ok: false, reason: 'expired' };
  const spent = await ctx.db.kysely
    .updateTable('webauthn_challenges')
    .set({ consumed_at: now })
    .where('id', '=', row.id)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) return { ok: false, reason: 'replayed' };
  return { ok: true, label: row.label };
}

export async function listPasskeys(ctx: Ctx, userId: string): Promise<Passkey[]> {
  const rows = await ctx.db.kysely
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map(toPasskey);
}

export async function findPasskeyByCredentialId(ctx: Ctx, credentialId: string): Promise<Passkey | null> {
  const row = await ctx.db.kysely
    .selectFrom('passkey_credentials')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .executeTakeFirst();
  return row ? toPasskey(row) : null;
}

export type NewPasskey = Omit<Passkey, 'id' | 'createdAt' | 'lastUsedAt'>;

/**
 * Stores a verified credential; null when its id is already registered (to anyone). The conflict is skipped,
 * not raised, so the insert can share a transaction with the enrolment's bookkeeping (PostgreSQL aborts a
 * transaction on a unique-key error).
 */
export async function insertPasskey(ctx: Ctx, input: NewPasskey): Promise<Passkey | null> {
  const passkey: Passkey = { ...input, id: randomId(), createdAt: ctx.clock().toISOString(), lastUsedAt: null };
  const inserted = await ctx.db.kysely
    .insertInto('passkey_credentials')
    .values({
      id: passkey.id,
      user_id: passkey.userId,
      credential_id: passkey.credentialId,
      public_key: Buffer.from(passkey.publicKey).toString('base64url'),
      counter: passkey.counter,
      transports: JSON.stringify(passkey.transports),
      device_type: passkey.deviceType,
      backed_up: passkey.backedUp ? 1 : 0,
      label: passkey.label,
      aaguid: passkey.aaguid,
      created_at: passkey.createdAt,
      last_used_at: null,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? passkey : null;
}

/**
 * Moves the signature counter forward in one statement: only a larger value, or 0 staying 0 (an
 * authenticator without a counter), is written — a concurrent use of the same counter value loses.
 */
export async function recordPasskeyUse(
  ctx: Ctx,
  passkey: Passkey,
  use: { counter: number; backedUp: boolean },
): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('passkey_credentials')
    .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: ctx.clock().toISOString() })
    .where('id', '=', passkey.id)
    .where((eb) =>
      use.counter === 0 ? eb('counter', '=', sql<number>`0`) : eb('counter', '<', sql<number>`${use.counter}`),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function renamePasskey(ctx: Ctx, userId: string, id: string, label: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('passkey_credentials')
    .set({ label })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function removePasskey(ctx: Ctx, userId: string, id: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .deleteFrom('passkey_credentials')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function removeAllPasskeys(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('passkey_credentials').where('user_id', '=', userId).execute();
  await ctx.db.kysely.deleteFrom('webauthn_challenges').where('user_id', '=', userId).execute();
}
