/**
 * Sent codes, shared by the factors whose code the server sends (the phone factor's texts and calls, the
 * email factor's emails; NIST SP 800-63B rev 4 §3.1.3): random digits from the CSPRNG, stored as
 * HMAC-SHA-256 under a server key over the code AND what it is bound to (user, purpose, medium, and the
 * sign-in challenge or pending enrolment), so a code for one cannot pass another — an emailed code never
 * passes as a texted one. A new code supersedes the live one of its binding; a code is spent by
 * compare-and-swap, so parallel uses of one code give one success. This module owns `phone_codes` (named
 * for its first user; `e164` holds the address for an email) and `phone_send_cooldowns`.
 */
import { EMAIL_CODE, PHONE } from '../config/defaults.ts';
import { constantTimeEqual, randomDigits, randomId } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import type { Ctx } from '../context.ts';
import type { PhoneCodePurpose, SentCodeChannel } from '../db/schema.ts';

/** A sign-in or re-authentication code goes by phone unless `medium` says email. */
type Medium = { readonly medium?: 'email' };

export type CodeBinding =
  | ({ readonly purpose: 'sign_in'; readonly userId: string; readonly challengeId: string } & Medium)
  | { readonly purpose: 'verify_phone'; readonly userId: string; readonly enrollmentId: string }
  | { readonly purpose: 'verify_email'; readonly userId: string; readonly enrollmentId: string }
  | ({ readonly purpose: 'reauthenticate'; readonly userId: string } & Medium);

function byEmail(binding: CodeBinding): boolean {
  return binding.purpose === 'verify_email' || ('medium' in binding && binding.medium === 'email');
}

/**
 * What the resend cooldown is counted per: the challenge, the pending enrolment, or the user's
 * re-authentication — for phone and email apart, so an email code never waits on a text.
 */
export function scopeOf(binding: CodeBinding): string {
  const medium = byEmail(binding) && binding.purpose !== 'verify_email' ? 'email:' : '';
  if (binding.purpose === 'sign_in') return `${medium}sign_in:${binding.challengeId}`;
  if (binding.purpose === 'verify_phone') return `verify_phone:${binding.enrollmentId}`;
  if (binding.purpose === 'verify_email') return `verify_email:${binding.enrollmentId}`;
  return `${medium}reauthenticate:${binding.userId}`;
}

/** How long a code lives and how many digits it has: by the medium. */
function lifeOf(ctx: Ctx, binding: CodeBinding): { digits: number; seconds: number; cooldownSeconds: number } {
  if (byEmail(binding))
    return {
      digits: EMAIL_CODE.digits,
      seconds: EMAIL_CODE.codeSeconds,
      cooldownSeconds: EMAIL_CODE.resendCooldownSeconds,
    };
  return {
    digits: ctx.config.phone.codeDigits,
    seconds: PHONE.codeSeconds,
    cooldownSeconds: PHONE.resendCooldownSeconds,
  };
}

function hashCode(ctx: Ctx, binding: CodeBinding, code: string): string {
  return ctx.keyring.keyedHash('phone-code', `${binding.userId}|${scopeOf(binding)}|${code}`);
}

/** Rows of this binding (any state); callers add the state they need. */
function bound(ctx: Ctx, binding: CodeBinding) {
  let query = ctx.db.kysely
    .selectFrom('phone_codes')
    .selectAll()
    .where('user_id', '=', binding.userId)
    .where('purpose', '=', binding.purpose satisfies PhoneCodePurpose)
    .where('channel', byEmail(binding) ? '=' : '!=', 'email');
  if (binding.purpose === 'sign_in') query = query.where('challenge_id', '=', binding.challengeId);
  if (binding.purpose === 'verify_phone') query = query.where('enrollment_id', '=', binding.enrollmentId);
  if (binding.purpose === 'verify_email') query = query.where('email_enrollment_id', '=', binding.enrollmentId);
  return query;
}

export interface IssuedCode {
  readonly id: string;
  readonly code: string;
  readonly expiresAt: string;
}

/** Stores a new code for the binding (not yet superseding the old one: that waits for delivery). */
export async function issueCode(
  ctx: Ctx,
  binding: CodeBinding,
  to: { e164: string; channel: SentCodeChannel; phoneFactorId: string | null },
): Promise<IssuedCode> {
  const now = ctx.clock();
  const life = lifeOf(ctx, binding);
  const code = randomDigits(life.digits);
  const issued: IssuedCode = { id: randomId(), code, expiresAt: addSeconds(now, life.seconds).toISOString() };
  await ctx.db.kysely
    .insertInto('phone_codes')
    .values({
      id: issued.id,
      user_id: binding.userId,
      purpose: binding.purpose,
      challenge_id: binding.purpose === 'sign_in' ? binding.challengeId : null,
      enrollment_id: binding.purpose === 'verify_phone' ? binding.enrollmentId : null,
      email_enrollment_id: binding.purpose === 'verify_email' ? binding.enrollmentId : null,
      phone_factor_id: to.phoneFactorId,
      e164: to.e164,
      channel: to.channel,
      code_hash: hashCode(ctx, binding, code),
      created_at: now.toISOString(),
      expires_at: issued.expiresAt,
      consumed_at: null,
      superseded_at: null,
    })
    .execute();
  return issued;
}

/** After delivery: every other live code of the binding stops working (a resend kills the old code). */
export async function supersedeOthers(ctx: Ctx, binding: CodeBinding, keepId: string): Promise<void> {
  const ids = (
    await bound(ctx, binding)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .where('id', '!=', keepId)
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return;
  await ctx.db.kysely
    .updateTable('phone_codes')
    .set({ superseded_at: ctx.clock().toISOString() })
    .where('id', 'in', ids)
    .where('superseded_at', 'is', null)
    .execute();
}

/** A code that never left (the provider refused it) is forgotten. */
export async function discardCode(ctx: Ctx, codeId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('phone_codes').where('id', '=', codeId).execute();
}

export interface LiveCode {
  readonly e164: string;
  readonly channel: 'sms' | 'voice';
  readonly expiresAt: string;
}

/** The binding's current code, if one is still usable (for the page: "we sent a code to …"). */
export async function liveCode(ctx: Ctx, binding: CodeBinding): Promise<LiveCode | null> {
  const row = await bound(ctx, binding)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', ctx.clock().toISOString())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? { e164: row.e164, channel: row.channel === 'voice' ? 'voice' : 'sms', expiresAt: row.expires_at } : null;
}

export type SpendResult =
  | { readonly ok: true; readonly channel: SentCodeChannel; readonly phoneFactorId: string | null }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'replayed' };

/** Spends the code if it is the binding's live code: found by its keyed hash, then consumed by CAS. */
export async function spendCode(ctx: Ctx, binding: CodeBinding, input: string): Promise<SpendResult> {
  const code = input.replace(/[\s-]/g, '');
  if (!/^\d{6,8}$/.test(code)) return { ok: false, reason: 'invalid' };
  const now = ctx.clock().toISOString();
  const hash = hashCode(ctx, binding, code);
  // Only recent rows: enough to tell "expired" or "already used" from "wrong".
  const since = addSeconds(ctx.clock(), -2 * lifeOf(ctx, binding).seconds).toISOString();
  const candidates = await bound(ctx, binding)
    .where('superseded_at', 'is', null)
    .where('created_at', '>', since)
    .execute();
  const match = candidates.find((row) => constantTimeEqual(row.code_hash, hash));
  if (!match) return { ok: false, reason: 'invalid' };
  if (match.consumed_at) return { ok: false, reason: 'replayed' };
  if (match.expires_at <= now) return { ok: false, reason: 'expired' };
  const result = await ctx.db.kysely
    .updateTable('phone_codes')
    .set({ consumed_at: now })
    .where('id', '=', match.id)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { ok: false, reason: 'replayed' };
  return { ok: true, channel: match.channel, phoneFactorId: match.phone_factor_id };
}

/**
 * Claims the binding's next send slot: one conditional upsert, so of many parallel requests one wins.
 * Returns the claim (to release if the message does not leave) or the seconds left to wait.
 */
export async function claimCooldown(
  ctx: Ctx,
  binding: CodeBinding,
): Promise<{ ok: true; availableAt: string } | { ok: false; retryAfterSeconds: number }> {
  const now = ctx.clock();
  const scope = scopeOf(binding);
  const availableAt = addSeconds(now, lifeOf(ctx, binding).cooldownSeconds).toISOString();
  const claimed = await ctx.db.kysely
    .insertInto('phone_send_cooldowns')
    .values({ scope, available_at: availableAt })
    .onConflict((oc) =>
      oc
        .column('scope')
        .doUpdateSet({ available_at: availableAt })
        .where('phone_send_cooldowns.available_at', '<=', now.toISOString()),
    )
    .returning('scope')
    .executeTakeFirst();
  if (claimed) return { ok: true, availableAt };
  return { ok: false, retryAfterSeconds: Math.max(1, await cooldownSecondsLeft(ctx, binding)) };
}

export async function releaseCooldown(ctx: Ctx, binding: CodeBinding, availableAt: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('phone_send_cooldowns')
    .set({ available_at: ctx.clock().toISOString() })
    .where('scope', '=', scopeOf(binding))
    .where('available_at', '=', availableAt)
    .execute();
}

/** Seconds until the binding may get a new code (0: now). */
export async function cooldownSecondsLeft(ctx: Ctx, binding: CodeBinding): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('phone_send_cooldowns')
    .select('available_at')
    .where('scope', '=', scopeOf(binding))
    .executeTakeFirst();
  if (!row) return 0;
  const ms = Date.parse(row.available_at) - ctx.clock().getTime();
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}

/** Forgets every code of the user sent by one medium (its factor removed, 2FA off, reset, recovery). */
export async function removeCodesOf(ctx: Ctx, userId: string, medium: 'phone' | 'email'): Promise<void> {
  await ctx.db.kysely
    .deleteFrom('phone_codes')
    .where('user_id', '=', userId)
    .where('channel', medium === 'email' ? '=' : '!=', 'email')
    .execute();
}
