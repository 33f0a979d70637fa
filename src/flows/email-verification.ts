/**
 * Email verification as actions (src/accounts/verification.ts holds its links): sending a link (after setup,
 * `user add`, or on request), following one, and recording that an address was proved some other way.
 */
import { RATE_LIMITS } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { markEmailVerifiedRow } from '../accounts/store.ts';
import {
  consumeVerification,
  consumeVerificationsOf,
  findLiveVerification,
  isEmailVerified,
  newVerification,
  replaceVerification,
  type VerificationEmail,
  type VerifiedVia,
} from '../accounts/verification.ts';
import type { Recipient as MailRecipient } from '../mail/templates.ts';
import { limitByIp } from './limits.ts';
import type { Acting } from './acting.ts';

interface Recipient extends MailRecipient {
  readonly id: string;
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
  await replaceVerification(ctx, row);
  await audit(ctx, meta, {
    event: 'email.verification_sent',
    actorUserId: requested ? user.id : null,
    targetUserId: user.id,
  });
  const { delivered } = await ctx.mail.send(mail, now);
  return delivered ? 'sent' : 'queued';
}

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

/**
 * A signed-in person asks for a new link: throttled per address (a mailbox is not to be flooded), refused
 * (409) when the address is already verified.
 */
export async function requestEmailVerification(ctx: Ctx, by: Acting): Promise<VerificationEmail> {
  const { session, meta } = by;
  await limitByIp(ctx, meta, 'email-verification-send', RATE_LIMITS.emailVerificationSend);
  if (await isEmailVerified(ctx, session.userId))
    throw new AppError('conflict', { key: 'errors:messages.emailVerification.alreadyConfirmed' });
  return sendEmailVerification(ctx, session.user, meta, true);
}

/**
 * Follows a verification link (throttled per address: the token is a guessable secret to an anonymous
 * caller): live, unused, and sent to the account's current address. Consumed by compare-and-swap, so two
 * clicks at once verify once; audited as `email.verified`.
 */
export async function confirmEmailVerification(ctx: Ctx, token: string, meta: RequestMeta): Promise<{ email: string }> {
  await limitByIp(ctx, meta, 'email-verification', RATE_LIMITS.emailVerification);
  if (!token) throw new AppError('invalid_token');
  const verification = await findLiveVerification(ctx, token);
  if (!verification || !(await consumeVerification(ctx, verification.id))) throw new AppError('invalid_token');
  await markEmailVerified(ctx, verification.userId, 'link', meta);
  // Any other link of this address has nothing left to do.
  await consumeVerificationsOf(ctx, verification.userId);
  return { email: verification.email };
}
