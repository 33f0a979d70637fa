/**
 * Browsers: "trust this device" tokens (skip only the second step, never the password) and the
 * long-lived browser id behind "new sign-in" emails. Both tokens are random and stored hashed.
 */
import { DEVICE_ID, TRUSTED_DEVICE } from '../config/defaults.ts';
import { constantTimeEqual, randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { describeUserAgent } from '../core/user-agent.ts';
import { sendMail, type Ctx } from '../context.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { prepared, preparedWrite } from '../db/prepared.ts';
import type { RequestMeta } from '../audit/store.ts';
import { securityTemplates, type Recipient } from '../mail/templates.ts';

export interface TrustedDeviceView {
  id: string;
  browser: string;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  /** It is the browser asking (its trust cookie is this device's). */
  current: boolean;
}

export async function trustDevice(
  ctx: Ctx,
  userId: string,
  days: number,
  meta: RequestMeta,
): Promise<{ token: string; maxAgeSeconds: number; deviceId: string }> {
  const now = ctx.clock();
  const token = randomToken(TRUSTED_DEVICE.tokenBytes);
  const maxAgeSeconds = days * 86400;
  const id = randomId();
  await ctx.db.kysely
    .insertInto('trusted_devices')
    .values({
      id,
      user_id: userId,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, maxAgeSeconds).toISOString(),
      last_used_at: now.toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent.slice(0, 512),
      revoked_at: null,
    })
    .execute();
  return { token, maxAgeSeconds, deviceId: id };
}

/** True when `token` is a live trusted device of this user (and records its use). */
export async function isTrustedDevice(
  ctx: Ctx,
  userId: string,
  token: string | undefined,
  meta: RequestMeta,
): Promise<boolean> {
  if (!token || token.length > 100) return false;
  const nowIso = ctx.clock().toISOString();
  const result = await ctx.db.kysely
    .updateTable('trusted_devices')
    .set({ last_used_at: nowIso, ip: meta.ip })
    .where('token_hash', '=', sha256Hex(token))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The person's trusted browsers; `currentToken` (the asking browser's trust cookie) marks its own. */
export async function listTrustedDevices(
  ctx: Ctx,
  userId: string,
  currentToken?: string,
): Promise<TrustedDeviceView[]> {
  const currentHash = currentToken && currentToken.length <= 100 ? sha256Hex(currentToken) : null;
  const nowIso = ctx.clock().toISOString();
  const rows = await ctx.db.kysely
    .selectFrom('trusted_devices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .orderBy('last_used_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    browser: describeUserAgent(r.user_agent),
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    current: currentHash !== null && constantTimeEqual(currentHash, r.token_hash),
  }));
}

export async function revokeTrustedDevice(ctx: Ctx, userId: string, deviceId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('trusted_devices')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('id', '=', deviceId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets every trusted device of the user (password change or reset, 2FA off or reset, recovery). */
export async function revokeAllTrustedDevices(ctx: Ctx, userId: string): Promise<number> {
  const result = await ctx.db.kysely
    .updateTable('trusted_devices')
    .set({ revoked_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function newDeviceId(): string {
  return randomToken(DEVICE_ID.bytes);
}

/**
 * True when the account has signed in before from other browsers but never from this one: the rule behind
 * the "new sign-in" email and the new-device check. A request without a browser id counts as new.
 */
export async function isNewDevice(ctx: Ctx, userId: string, deviceId: string | null): Promise<boolean> {
  const known = await ctx.db.kysely
    .selectFrom('seen_devices')
    .select(['device_hash'])
    .where('user_id', '=', userId)
    .execute();
  if (known.length === 0) return false;
  if (!deviceId) return true;
  const deviceHash = sha256Hex(`device:${deviceId}`);
  return !known.some((d) => d.device_hash === deviceHash);
}

/** Every passed sign-in reads and may write these: compiled once (src/db/prepared.ts). */
const seenBy = prepared((db: Kysely<Database>, userId: string) =>
  db.selectFrom('seen_devices').select(['device_hash']).where('user_id', '=', userId),
);
const rememberSeen = preparedWrite((db: Kysely<Database>, userId: string, deviceHash: string, at: string) =>
  db
    .insertInto('seen_devices')
    .values({ user_id: userId, device_hash: deviceHash, first_seen_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'device_hash']).doNothing()),
);

/**
 * Remembers this browser for the user; emails "new sign-in" when the user had signed in before from
 * other browsers but never from this one — unless `notify` is off because another email (the new-device
 * check's code) already told them.
 */
export async function noteSignInDevice(
  ctx: Ctx,
  user: Recipient & { readonly id: string },
  deviceId: string,
  meta: RequestMeta,
  options: { notify: boolean } = { notify: true },
): Promise<void> {
  const now = ctx.clock().toISOString();
  const deviceHash = sha256Hex(`device:${deviceId}`);
  const known = await seenBy(ctx.db.kysely, user.id);
  if (known.some((d) => d.device_hash === deviceHash)) return;
  await rememberSeen(ctx.db.kysely, user.id, deviceHash, now);
  if (known.length > 0 && options.notify) {
    await sendMail(
      ctx,
      securityTemplates.newSignIn(user, {
        productName: ctx.config.productName,
        userAgent: meta.userAgent,
        ip: meta.ip,
        at: now,
      }),
    );
  }
}
