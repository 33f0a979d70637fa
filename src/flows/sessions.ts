/**
 * Ending sessions and trusted browsers: sign out (this session), revoke one of one's sessions, sign out
 * everywhere (every session, this one included or kept, and the apps' sessions and tokens with them), and stop
 * trusting a browser. Each is audited here, once, whichever page or route asked.
 */
import { AppError } from '../errors.ts';
import { audit, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { revokeAllSessions, revokeSession, type SessionView } from '../sessions/service.ts';
import { revokeTrustedDevice } from '../sessions/devices.ts';
import type { Acting } from './acting.ts';

/** Ends the session the request came with, if any (signing out twice is not an error). */
export async function signOut(ctx: Ctx, session: SessionView | null, meta: RequestMeta): Promise<void> {
  if (!session) return;
  await revokeSession(ctx, session.userId, session.id);
  await audit(ctx, meta, { event: 'sign_out', actorUserId: session.userId, targetUserId: session.userId });
}

/** Ends one of the person's sessions; `current` when it was this one (the caller forgets its cookie). */
export async function endSession(ctx: Ctx, by: Acting, sessionId: string): Promise<{ current: boolean }> {
  const userId = by.session.userId;
  if (!(await revokeSession(ctx, userId, sessionId))) throw new AppError('not_found');
  await audit(ctx, by.meta, {
    event: 'session.revoked',
    actorUserId: userId,
    targetUserId: userId,
    details: { sessionId },
  });
  return { current: sessionId === by.session.id };
}

/**
 * Ends every session of the person — this one included, or (`keepCurrent`) every other one — and the apps'
 * sessions and tokens with them; returns how many of the person's sessions ended.
 */
export async function signOutEverywhere(
  ctx: Ctx,
  by: Acting,
  options: { readonly keepCurrent?: boolean } = {},
): Promise<number> {
  const userId = by.session.userId;
  const keepCurrent = options.keepCurrent === true;
  const count = await revokeAllSessions(ctx, userId, keepCurrent ? by.session.id : null);
  await audit(ctx, by.meta, {
    event: 'sessions.revoked_all',
    actorUserId: userId,
    targetUserId: userId,
    details: { count, keptCurrent: keepCurrent },
  });
  return count;
}

/** Stops trusting a browser: it is asked for the second step again. */
export async function forgetTrustedDevice(ctx: Ctx, by: Acting, deviceId: string): Promise<void> {
  const userId = by.session.userId;
  if (!(await revokeTrustedDevice(ctx, userId, deviceId))) throw new AppError('not_found');
  await audit(ctx, by.meta, {
    event: 'trusted_device.revoked',
    actorUserId: userId,
    targetUserId: userId,
    details: { deviceId },
  });
}
