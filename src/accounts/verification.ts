/**
 * Email verification: `users.email_verified_at` is set once the person has proved control of the address
 * through a link twofold emailed — an accepted invitation, a completed password reset, or a verification
 * link — or by the operator for the first owner (`twofold init --email-verified`). An address someone else
 * typed in (setup, `user add`, an import) is not verified: it gets a verification link.
 *
 * Links are like password-reset links (OWASP Forgot Password Cheat Sheet): 256 random bits, stored as a
 * SHA-256 hash, single use by compare-and-swap, expiring; the page they open acts only on a button (POST),
 * so a mail scanner that prefetches links verifies nothing. A newer link replaces the older ones.
 */
import { TOKENS } from '../config/defaults.ts';
import { randomId, randomToken, sha256Hex } from '../crypto/index.ts';
import { addSeconds } from '../core/clock.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import type { EmailVerificationsTable } from '../db/schema.ts';
import { mailTemplates } from '../mail/templates.ts';
import type { OutgoingMail } from '../mail/transport.ts';
import { markEmailVerifiedRow } from './store.ts';

export type VerificationEmail = 'sent' | 'queued';

interface Recipient {
  readonly id: string;
  readonly email: string;
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
    mail: mailTemplates.emailVerification(user.email, {
      productName: ctx.config.productName,
      url: link(ctx, `/verify-email?token=${encodeURIComponent(token)}`),
      expiresAt,
      requested,
    }),
  };
}

/**
 * Emails `user` a new verification link; their older links stop working. Resolves to 'sent', or 'queued'
 * when the mail server did not take it yet (the mail queue retries).
 */
export async function sendEmailVerification(
  ctx: Ctx,
  user: Recipient,
  meta: RequestMeta | null,
  requested = false,
): Promise<VerificationEmail> {
  const now = ctx.clock();
  const { row, mail } = newVerification(ctx, user, now, requested);
  await ctx.db.kysely
    .deleteFrom('email_verifications')
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .execute();
  await ctx.db.kysely.insertInto('email_verifications').values(row).execute();
  await audit(ctx, meta, {
    event: 'email.verification_sent',
    actorUserId: requested ? user.id : null,
    targetUserId: user.id,
  });
  const { delivered } = await ctx.mail.send(mail, now);
  return delivered ? 'sent' : 'queued';
}

/** How an address came to be verified (the audit row's `via`). */
export type VerifiedVia = 'link' | 'invitation' | 'password_reset' | 'operator';

/**
 * Records that the person proved control of their current address; audited (`email.verified`) when it
 * was not verified yet (the first proof's time is kept).
 */
export async function markEmailVerified(
  ctx: Ctx,
  userId: string,
  via: VerifiedVia,
  meta: RequestMeta | null,
): Promise<void> {
  if (await markEmailVerifiedRow(ctx, userId))
    await audit(ctx, meta, { event: 'email.verified', targetUserId: userId, details: { via } });
}

export async function isEmailVerified(ctx: Ctx, userId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('email_verified_at')
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!row?.email_verified_at;
}

/** A signed-in person asks for a new link: refused (409) when the address is already verified. */
export async function requestEmailVerification(
  ctx: Ctx,
  user: Recipient,
  meta: RequestMeta,
): Promise<VerificationEmail> {
  if (await isEmailVerified(ctx, user.id))
    throw new AppError('conflict', { message: 'Your email address is already confirmed.' });
  return sendEmailVerification(ctx, user, meta, true);
}

/**
 * Follows a verification link: live, unused, and sent to the account's current address. Consumed by
 * compare-and-swap, so two clicks at once verify once; audited as `email.verified`.
 */
export async function confirmEmailVerification(ctx: Ctx, token: string, meta: RequestMeta): Promise<{ email: string }> {
  const now = ctx.clock().toISOString();
  const row = await ctx.db.kysely
    .selectFrom('email_verifications as v')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.id', 'v.user_id', 'v.email', 'v.expires_at', 'v.used_at', 'u.email as current_email'])
    .where('v.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= now || row.email !== row.current_email)
    throw new AppError('invalid_token');
  const consumed = await ctx.db.kysely
    .updateTable('email_verifications')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) throw new AppError('invalid_token');
  await markEmailVerified(ctx, row.user_id, 'link', meta);
  // Any other link of this address has nothing left to do.
  await ctx.db.kysely
    .updateTable('email_verifications')
    .set({ used_at: now })
    .where('user_id', '=', row.user_id)
    .where('used_at', 'is', null)
    .execute();
  return { email: row.email };
}
