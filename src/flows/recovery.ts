/**
 * Completing a due account recovery, at the password step of a sign-in: the recovery is marked completed,
 * then every factor, backup code, trusted device and session goes like an admin reset, and the numbers that
 * were on the account are told (read before the reset removes them).
 */
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { listPhones } from '../factors/phone/store.ts';
import { announceByPhone } from '../recovery/notify.ts';
import { claimDueRecovery } from '../recovery/service.ts';
import { resetTwoFactor } from './two-factor.ts';

/** True when a recovery was due and completed now: the sign-in goes on without a second step. */
export async function completeDueRecovery(
  ctx: Ctx,
  user: { id: string; email: string },
  meta: RequestMeta,
): Promise<boolean> {
  if (!(await claimDueRecovery(ctx, user, meta))) return false;
  const phones = await listPhones(ctx, user.id);
  await resetTwoFactor(ctx, user, { actorUserId: user.id, orgId: null, reason: 'account recovery' }, meta, 'recovery');
  await audit(ctx, meta, { event: 'recovery.completed', actorUserId: user.id, targetUserId: user.id });
  await announceByPhone(ctx, user.id, phones, { kind: 'completed' }, meta);
  return true;
}
