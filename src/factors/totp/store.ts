/**
 * TOTP storage: the seed is sealed with AES-256-GCM under a server key (key id stored beside it), bound to
 * its row by the associated data. The last accepted step is advanced by one conditional UPDATE, so a code
 * is accepted once even when many requests race with it (RFC 6238 §5.2; docs/security.md "TOTP").
 */
import type { Kysely } from 'kysely';
import { TOTP } from '../../config/defaults.ts';
import { randomBytes, randomId } from '../../crypto/index.ts';
import { addSeconds } from '../../core/clock.ts';
import { findTotpStep, TOTP_DEFAULTS, TOTP_SECRET_BYTES, totpStep } from '../../core/otp.ts';
import type { Ctx } from '../../context.ts';
import type { VerifyOutcome } from '../factor.ts';
import type { Database } from '../../db/schema.ts';
import { prepared, preparedWrite } from '../../db/prepared.ts';

const enrollmentAd = (id: string): string => `totp-enrollment:${id}`;
const factorAd = (id: string): string => `totp:${id}`;

export interface TotpFactorRow {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The person's setup attempt still open (not used, not expired), with its secret, or null. */
async function pendingEnrollment(
  ctx: Ctx,
  userId: string,
): Promise<{ enrollmentId: string; secret: Uint8Array; expiresAt: string } | null> {
  const row = await ctx.db.kysely
    .selectFrom('totp_enrollments')
    .selectAll()
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', ctx.clock().toISOString())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  const secret = ctx.keyring.open(row.key_id, row.secret_sealed, enrollmentAd(row.id));
  return { enrollmentId: row.id, secret, expiresAt: row.expires_at };
}

/**
 * Starts a setup attempt, or (`keep`) goes on with the one still open: the person may already have added its
 * secret to their app, so a page shown again after a wrong code or a reload must show the same one.
 */
export async function startEnrollment(
  ctx: Ctx,
  userId: string,
  options: { keep?: boolean } = {},
): Promise<{ enrollmentId: string; secret: Uint8Array; expiresAt: string }> {
  if (options.keep) {
    const pending = await pendingEnrollment(ctx, userId);
    if (pending) return pending;
  }
  const now = ctx.clock();
  const id = randomId();
  const secret = randomBytes(TOTP_SECRET_BYTES);
  const { keyId, sealed } = ctx.keyring.seal(secret, enrollmentAd(id));
  const expiresAt = addSeconds(now, TOTP.enrollmentSeconds).toISOString();
  // A new attempt, a new secret: any earlier pending enrolment of this user is dropped.
  await ctx.db.kysely
    .deleteFrom('totp_enrollments')
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .execute();
  await ctx.db.kysely
    .insertInto('totp_enrollments')
    .values({
      id,
      user_id: userId,
      secret_sealed: sealed,
      key_id: keyId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      consumed_at: null,
    })
    .execute();
  return { enrollmentId: id, secret, expiresAt };
}

export type ConfirmResult =
  { ok: true; factor: TotpFactorRow } | { ok: false; reason: 'expired' | 'invalid'; clockDriftMinutes?: number };

function driftMinutes(secret: Uint8Array, code: string, unixSeconds: number): number | undefined {
  const step = findTotpStep(secret, code, unixSeconds, { ...TOTP_DEFAULTS, windowSteps: TOTP.driftHintSteps });
  if (step === null) return undefined;
  const offsetSeconds = Number(step - totpStep(unixSeconds, TOTP_DEFAULTS.periodSeconds)) * TOTP_DEFAULTS.periodSeconds;
  return Math.round(offsetSeconds / 60);
}

/** Confirms a pending enrolment with a code from the app; the code's step counts as used. */
export async function confirmEnrollment(
  ctx: Ctx,
  userId: string,
  enrollmentId: string,
  code: string,
  label: string,
): Promise<ConfirmResult> {
  const now = ctx.clock();
  const row = await ctx.db.kysely
    .selectFrom('totp_enrollments')
    .selectAll()
    .where('id', '=', enrollmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row || row.consumed_at || row.expires_at <= now.toISOString()) return { ok: false, reason: 'expired' };
  const secret = ctx.keyring.open(row.key_id, row.secret_sealed, enrollmentAd(row.id));
  const unixSeconds = Math.floor(now.getTime() / 1000);
  const step = findTotpStep(secret, code, unixSeconds, { ...TOTP_DEFAULTS, windowSteps: TOTP.windowSteps });
  if (step === null)
    return { ok: false, reason: 'invalid', clockDriftMinutes: driftMinutes(secret, code, unixSeconds) };
  const consumed = await ctx.db.kysely
    .updateTable('totp_enrollments')
    .set({ consumed_at: now.toISOString() })
    .where('id', '=', enrollmentId)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) return { ok: false, reason: 'expired' };
  const id = randomId();
  const { keyId, sealed } = ctx.keyring.seal(secret, factorAd(id));
  const factor: TotpFactorRow = { id, label, createdAt: now.toISOString(), lastUsedAt: null };
  await ctx.db.kysely
    .insertInto('totp_factors')
    .values({
      id,
      user_id: userId,
      label,
      secret_sealed: sealed,
      key_id: keyId,
      last_used_step: Number(step),
      created_at: factor.createdAt,
      last_used_at: null,
    })
    .execute();
  return { ok: true, factor };
}

export async function listTotp(ctx: Ctx, userId: string): Promise<TotpFactorRow[]> {
  const rows = await ctx.db.kysely
    .selectFrom('totp_factors')
    .select(['id', 'label', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** The sign-in step's reads and writes of authenticator apps, compiled once (src/db/prepared.ts). */
const factorsOf = prepared((db: Kysely<Database>, userId: string) =>
  db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId),
);
/** Replay guard: only a step later than the last accepted one moves the marker, in one statement. */
const useStep = preparedWrite((db: Kysely<Database>, factorId: string, step: number, at: string) =>
  db
    .updateTable('totp_factors')
    .set({ last_used_step: step, last_used_at: at })
    .where('id', '=', factorId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)])),
);

/** Verifies a code against the user's authenticator apps and consumes its step atomically. */
export async function verifyTotp(ctx: Ctx, userId: string, code: string): Promise<VerifyOutcome> {
  const now = ctx.clock();
  const unixSeconds = Math.floor(now.getTime() / 1000);
  const rows = await factorsOf(ctx.db.kysely, userId);
  let drift: number | undefined;
  for (const row of rows) {
    const secret = ctx.keyring.open(row.key_id, row.secret_sealed, factorAd(row.id));
    const step = findTotpStep(secret, code, unixSeconds, { ...TOTP_DEFAULTS, windowSteps: TOTP.windowSteps });
    if (step === null) {
      drift ??= driftMinutes(secret, code, unixSeconds);
      continue;
    }
    if ((await useStep(ctx.db.kysely, row.id, Number(step), now.toISOString())) === 1)
      return { ok: true, amr: ['otp'], factorId: row.id };
    return { ok: false, reason: 'replayed' };
  }
  return drift === undefined
    ? { ok: false, reason: 'invalid' }
    : { ok: false, reason: 'invalid', clockDriftMinutes: drift };
}

export async function renameTotp(ctx: Ctx, userId: string, factorId: string, label: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable('totp_factors')
    .set({ label })
    .where('id', '=', factorId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function removeTotp(ctx: Ctx, userId: string, factorId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .deleteFrom('totp_factors')
    .where('id', '=', factorId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function removeAllTotp(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('totp_factors').where('user_id', '=', userId).execute();
  await ctx.db.kysely.deleteFrom('totp_enrollments').where('user_id', '=', userId).execute();
}
