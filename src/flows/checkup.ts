/**
 * The 2FA check-up (docs/decisions.md "2FA check-up"): 28 days after 2FA is turned on, the next sign-in asks
 * the person once to confirm their methods still work — a second-factor proof within the sudo window, the one
 * of the sign-in itself or "Confirm it's you" — and that they still have their backup codes. Skippable once:
 * the next sign-in asks again; completing it or skipping it a second time ends it.
 */
import { audit, type Ctx } from '../context.ts';
import { CHECKUP } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { checkupOf, markCheckupDone, markCheckupSkipped } from '../accounts/checkup.ts';
import type { User } from '../accounts/service.ts';
import { checkupStatus } from '../core/checkup.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

/**
 * What a sign-in answer says about the check-up: `{checkup: {due: true}}` when it is due, else nothing. Read
 * from the account the sign-in already loaded when it carries the check-up state (no extra statement).
 */
export async function checkupAtSignIn(ctx: Ctx, user: User): Promise<{ checkup?: { due: true } }> {
  if (!user.twoFactorEnabled) return {};
  const status = user.checkup ? checkupStatus(user.checkup, ctx.clock()) : (await checkupOf(ctx, user.id)).status;
  return status === 'due' ? { checkup: { due: true } } : {};
}

export interface CheckupAnswer {
  readonly status: 'done' | 'skipped';
  /** After a skip: whether the next sign-in asks again. */
  readonly askAgain: boolean;
}

export async function answerCheckup(ctx: Ctx, by: Acting, action: 'done' | 'skip'): Promise<CheckupAnswer> {
  const { session, meta } = by;
  const current = await checkupOf(ctx, session.userId);
  if (current.status !== 'due') throw new AppError('conflict', { key: 'errors:messages.checkup.nothingDue' });
  if (action === 'done') {
    // Their methods work: a second factor was proven just now (at sign-in, or by "Confirm it's you").
    requireRecentReauthentication(ctx, session);
    if (!(await markCheckupDone(ctx, session.userId)))
      throw new AppError('conflict', { key: 'errors:messages.checkup.alreadyAnswered' });
    await audit(ctx, meta, { event: 'checkup.completed', actorUserId: session.userId, targetUserId: session.userId });
    return { status: 'done', askAgain: false };
  }
  if (!(await markCheckupSkipped(ctx, session.userId, current.skips)))
    throw new AppError('conflict', { key: 'errors:messages.checkup.alreadyAnswered' });
  const skips = current.skips + 1;
  await audit(ctx, meta, {
    event: 'checkup.skipped',
    actorUserId: session.userId,
    targetUserId: session.userId,
    details: { skips },
  });
  return { status: 'skipped', askAgain: skips < CHECKUP.maxSkips };
}
