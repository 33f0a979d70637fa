/**
 * Email verification: `users.email_verified_at` is set once the person has proved control of the address
 * through a link twofold emailed — an accepted invitation, a completed password reset, or a verification
 * link — or by the operator for the first owner (`twofold init --email-verified`). An address someone else
 * typed in (setup, `user add`, an import) is not verified: it gets a verification link.
 *
 * Links are like password-reset links (OWASP Forgot Password Cheat Sheet): 256 random bits, stored as a
 * SHA-256 hash, single use by compare-and-swap, expiring; the page they open acts only on a button (POST),
 * so a mail scanner that prefetches links verifies nothing. A newer link replaces the older ones.
 *
 * This file is the only writer of `email_verifications`; sending and following links are flows
 * (src/flows/email-verification.ts).
 */
import { TOKENS } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { link, type Ctx } from '../context.ts';
import type { EmailVerificationsTable } from '../db/schema.ts';
import { mailTemplates, type Recipient as MailRecipient } from '../mail/templates.ts';
import type { OutgoingMail } from '../mail/transport.ts';

export type VerificationEmail = 'sent' | 'queued';

/** How an address came to be verified (the audit row's `via`). */
export type VerifiedVia = 'link' | 'invitation' | 'password_reset' | 'operator';

/** The account whose address is confirmed, and the language (and time zone) its email is written in. */
interface Recipient extends MailRecipient {
  readonly id: string;
}

/** A new link for `user` (its row, to insert, and its email), without writing anything yet. */
export function newVerification(
  ctx: Ctx,
  user: Recipient,
  now: Date,
  requested = false,
): { row: EmailVerificationsTable; mail: OutgoingMail } {
  const token = randomToken(TOKENS.bytes);
  const expiresAt = addSeconds(now, TOKENS.emailVerificationSeconds).toISOString();
  return {
    row: {
      id: randomId(),
      user_id: user.id,
      email: user.email,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    },
    mail: mailTemplates.emailVerification(user, {
      productName: ctx.config.productName,
      url: link(ctx, `/verify-email?token=${encodeURIComponent(token)}`),
      expiresAt,
      requested,
    }),
  };
}

/** Stores a new link for its user; their older unused links stop working. */
export async function replaceVerification(ctx: Ctx, row: EmailVerificationsTable): Promise<void> {
  await ctx.db.kysely
    .deleteFrom('email_verifications')
    .where('user_id', '=', row.user_id)
    .where('used_at', 'is', null)
    .execute();
  await ctx.db.kysely.insertInto('email_verifications').values(row).execute();
}

/** Stores the links of new accounts (import, inside its batch transaction). */
export async function insertVerifications(ctx: Ctx, rows: readonly EmailVerificationsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await ctx.db.kysely
    .insertInto('email_verifications')
    .values([...rows])
    .execute();
}

export async function isEmailVerified(ctx: Ctx, userId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('email_verified_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!row?.email_verified_at;
}

/**
 * The live link the token names — unused, unexpired, and sent to the account's current address — or null.
 */
export async function findLiveVerification(
  ctx: Ctx,
  token: string,
): Promise<{ readonly id: string; readonly userId: string; readonly email: string } | null> {
  const row = await ctx.db.kysely
    .selectFrom('email_verifications as v')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.id', 'v.user_id', 'v.email', 'v.expires_at', 'v.used_at', 'u.email as current_email'])
    .where('v.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= ctx.clock().toISOString() || row.email !== row.current_email)
    return null;
  return { id: row.id, userId: row.user_id, email: row.email };
}

/** Uses the link up (compare-and-swap: true only for the one call that did). */
export async function consumeVerification(ctx: Ctx, id: string): Promise<boolean> {
  const consumed = await ctx.db.kysely
    .updateTable('email_verifications')
    .set({ used_at: ctx.clock().toISOString() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(consumed.numUpdatedRows) === 1;
}

/** Retires every other unused link of the user (their address is verified now). */
export async function consumeVerificationsOf(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable('email_verifications')
    .set({ used_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** Housekeeping: links that expired before `cutoff`. */
export async function pruneExpiredVerifications(ctx: Ctx, cutoff: string): Promise<number> {
  const result = await ctx.db.kysely
    .deleteFrom('email_verifications')
    .where('expires_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
