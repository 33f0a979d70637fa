/**
 * The last step of a recovery (PRODUCT.md "Recovery when everything is lost"), taken by the password step
 * of a sign-in: a recovery whose delay has run out completes, and every second factor goes like in an
 * admin reset. It combines recovery with the factors' reset — orchestration, like the recovery flows in
 * src/flows/recovery.ts — and sits in this module because its caller, the password step
 * (src/sessions/sign-in.ts), is below the flows.
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { resetTwoFactor } from '../factors/lifecycle.ts';
import { listPhones } from '../factors/phone/store.ts';
import { recoveryBlockedUntil } from './guard.ts';
import { announceByPhone } from './notify.ts';
import { completeRecovery, dueRecovery } from './store.ts';

/**
 * Called by the password step of a sign-in: when a recovery is due, complete it (compare-and-swap),
 * then remove every factor, backup code, trusted device and session like an admin reset. Returns whether
 * it did. A recovery still pending when the password is reset by email is not cancelled, but it cannot
 * complete until the week after that reset has passed (it stays pending and shown with that later date).
 */
export async function completeDueRecovery(
  ctx: Ctx,
  user: { id: string; email: string },
  meta: RequestMeta,
): Promise<boolean> {
  const due = await dueRecovery(ctx, user.id);
  if (!due) return false;
  const blockedUntil = await recoveryBlockedUntil(ctx, user.id);
  if (blockedUntil) {
    await audit(ctx, meta, {
      event: 'recovery.refused',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { step: 'complete', reason: 'recent_password_reset', availableAt: blockedUntil },
    });
    return false;
  }
  // The numbers are read before the reset removes them: they are told that it happened.
  const phones = await listPhones(ctx, user.id);
  if (!(await completeRecovery(ctx, due))) return false;
  await resetTwoFactor(ctx, user, { actorUserId: user.id, orgId: null, reason: 'account recovery' }, meta, 'recovery');
  await audit(ctx, meta, { event: 'recovery.completed', actorUserId: user.id, targetUserId: user.id });
  await announceByPhone(ctx, user.id, phones, { kind: 'completed' }, meta);
  return true;
}
