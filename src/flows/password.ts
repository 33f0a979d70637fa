/**
 * Changing a password, and resetting a forgotten one by an emailed link. A reset never touches second
 * factors and never signs anybody in: the person signs in afterwards, and the second factor (if any) is
 * still asked. For a week after a reset by email no account recovery can start or complete (the mailbox
 * alone never removes 2FA: src/recovery/guard.ts).
 */
import { DAY_SECONDS, RATE_LIMITS, RECOVERY, TOKENS } from '../config/defaults.ts';
import { randomToken } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { audit, link, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { mailTemplates, type OpenRecoveryNote } from '../mail/templates.ts';
import {
  acceptablePassword,
  checkCredentials,
  clearPasswordFailures,
  findUserByEmail,
  setPassword,
} from '../accounts/service.ts';
import { consumePasswordReset, findLiveReset, insertPasswordReset } from '../accounts/password-resets.ts';
import { noteEmailPasswordReset, openRecovery } from '../recovery/guard.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { revokeAllTrustedDevices } from '../sessions/devices.ts';
import { markEmailVerified } from './email-verification.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';
import { limitByIp } from './limits.ts';

/**
 * The signed-in person changes their password with the current one. With 2FA on it is a sudo action (the
 * second factor too, within the last 10 minutes). Every other session and trusted browser is signed out.
 */
export async function changePassword(
  ctx: Ctx,
  by: Acting,
  input: { readonly currentPassword: string; readonly newPassword: string },
): Promise<void> {
  const { session, meta } = by;
  if (session.user.twoFactorEnabled) requireRecentReauthentication(ctx, session);
  const user = session.user;
  await checkCredentials(ctx, user.email, input.currentPassword, meta).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'invalid_credentials') {
      throw new AppError('invalid_credentials', {
        key: 'errors:messages.accounts.currentPasswordIncorrect',
        details: { field: 'currentPassword' },
      });
    }
    throw error;
  });
  const normalised = await acceptablePassword(ctx, input.newPassword, user.email, user.id);
  await setPassword(ctx, user.id, normalised);
  await revokeAllSessions(ctx, user.id, session.id);
  await revokeAllTrustedDevices(ctx, user.id);
  await audit(ctx, meta, { event: 'password.changed', actorUserId: user.id, targetUserId: user.id });
  await ctx.mail.send(
    mailTemplates.passwordChanged(user, { productName: ctx.config.productName, how: 'changed' }),
    ctx.clock(),
  );
}

/**
 * A recovery that a password reset leaves in place is named in the reset emails: a reset never cancels it
 * silently, and the reset blocks it for RECOVERY.afterPasswordResetSeconds (src/recovery/guard.ts).
 */
async function openRecoveryNote(ctx: Ctx, userId: string): Promise<OpenRecoveryNote | null> {
  const open = await openRecovery(ctx, userId);
  if (!open.pending && !open.linkEmailed) return null;
  return {
    completesAt: open.pending?.completesAt ?? null,
    blockDays: Math.round(RECOVERY.afterPasswordResetSeconds / DAY_SECONDS),
  };
}

/**
 * Sends a reset link when the account exists (throttled per address). The caller answers the same either
 * way.
 */
export async function requestPasswordReset(ctx: Ctx, emailInput: string, meta: RequestMeta): Promise<void> {
  await limitByIp(ctx, meta, 'password-reset', RATE_LIMITS.passwordReset);
  const user = await findUserByEmail(ctx, emailInput);
  // Both branches do the same kind of work (the same reads, an audit row, no waiting for the mail server),
  // so the answer takes about the same time whether the account exists or not (ASVS 5.0 6.3.8).
  const recovery = await openRecoveryNote(ctx, user?.id ?? '');
  if (!user) {
    await audit(ctx, meta, { event: 'password.reset_requested', details: { accountExists: false } });
    return;
  }
  const token = randomToken(TOKENS.bytes);
  await insertPasswordReset(ctx, user.id, token);
  await audit(ctx, meta, {
    event: 'password.reset_requested',
    targetUserId: user.id,
    details: { accountExists: true },
  });
  await ctx.mail.enqueue(
    mailTemplates.passwordReset(user, {
      productName: ctx.config.productName,
      url: link(ctx, `/reset-password?token=${encodeURIComponent(token)}`),
      recovery,
    }),
    ctx.clock(),
  );
}

/**
 * Sets a new password from a reset link (throttled per address). The token is consumed by
 * compare-and-swap; every session ends; the person is NOT signed in.
 */
export async function resetPassword(
  ctx: Ctx,
  input: { readonly token: string; readonly password: string },
  meta: RequestMeta,
): Promise<void> {
  await limitByIp(ctx, meta, 'password-reset-confirm', RATE_LIMITS.passwordReset);
  const reset = await findLiveReset(ctx, input.token);
  if (!reset) throw new AppError('invalid_token');
  const normalised = await acceptablePassword(ctx, input.password, reset.email, reset.userId);
  if (!(await consumePasswordReset(ctx, reset))) throw new AppError('invalid_token');
  await noteEmailPasswordReset(ctx, reset.userId, ctx.clock().toISOString());
  await setPassword(ctx, reset.userId, normalised);
  // The link went to the account's address: following it proves control of that mailbox.
  await markEmailVerified(ctx, reset.userId, 'password_reset', meta);
  await clearPasswordFailures(ctx, reset.userId);
  await revokeAllSessions(ctx, reset.userId, null);
  await revokeAllTrustedDevices(ctx, reset.userId);
  const recovery = await openRecoveryNote(ctx, reset.userId);
  await audit(ctx, meta, {
    event: 'password.reset',
    targetUserId: reset.userId,
    details: { recoveryOpen: recovery !== null },
  });
  await ctx.mail.send(
    mailTemplates.passwordChanged(reset, { productName: ctx.config.productName, how: 'reset', recovery }),
    ctx.clock(),
  );
}
