/**
 * Turning 2FA on and off, adding and removing factors, backup-code sets. The first confirmed primary
 * factor turns 2FA on and issues backup codes; removing the last one turns it off — unless an org
 * requires 2FA for the user (409 two_factor_required_by_org).
 */
import { AppError } from '../errors.ts';
import { audit, inTransaction, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { recoveryTemplates, securityTemplates } from '../mail/templates.ts';
import { orgsRequiringTwoFactor } from '../orgs/policy.ts';
import { revokeAllTrustedDevices } from '../sessions/devices.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { FACTORS } from './index.ts';
import { issueBackupCodes } from './backup-codes/store.ts';
import { markTwoFactorReset, turnTwoFactorOff, turnTwoFactorOn } from '../accounts/store.ts';

export interface FactorOwner {
  readonly id: string;
  readonly email: string;
}

export async function assertTwoFactorMayTurnOff(ctx: Ctx, userId: string): Promise<void> {
  const orgs = await orgsRequiringTwoFactor(ctx, userId);
  if (orgs.length > 0) {
    throw new AppError('two_factor_required_by_org', {
      message: `${orgs.join(', ')} requires two-factor authentication for you, so it cannot be turned off. Add another method before removing this one.`,
      details: { orgs },
    });
  }
}

/** Records a newly confirmed factor. Returns the backup codes when this turned 2FA on (shown once). */
export async function factorAdded(
  ctx: Ctx,
  user: FactorOwner,
  what: { type: string; label: string },
  meta: RequestMeta,
): Promise<string[] | null> {
  const backupCodes = await inTransaction(ctx, (tx) => recordFactorAdded(tx, user, what, meta));
  await notifyFactorAdded(ctx, user, what);
  return backupCodes;
}

/**
 * The database side of a new factor — audit, 2FA on, backup codes — in one transaction with the caller's
 * own writes (e.g. the factor row), so a crash leaves a factor with its backup codes, or nothing.
 */
export async function recordFactorAdded(
  tx: Ctx,
  user: FactorOwner,
  what: { type: string; label: string },
  meta: RequestMeta,
): Promise<string[] | null> {
  await audit(tx, meta, {
    event: 'factor.added',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { type: what.type, label: what.label },
  });
  if (!(await turnTwoFactorOn(tx, user.id))) return null;
  await audit(tx, meta, {
    event: 'two_factor.enabled',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { firstMethod: what.type },
  });
  return issueBackupCodes(tx, user.id);
}

/** The "factor added" email, sent after the factor is committed. */
export async function notifyFactorAdded(
  ctx: Ctx,
  user: FactorOwner,
  what: { type: string; label: string },
): Promise<void> {
  await ctx.mail.send(
    securityTemplates.factorAdded(user.email, { productName: ctx.config.productName, what: describe(what) }),
    ctx.clock(),
  );
}

function describe(what: { type: string; label: string }): string {
  const kind =
    what.type === 'totp'
      ? 'An authenticator app'
      : what.type === 'passkey'
        ? 'A passkey'
        : what.type === 'phone'
          ? 'A phone number for codes'
          : 'A sign-in method';
  return what.label ? `${kind} ("${what.label}")` : kind;
}

/** Removes every factor, backup code and trusted device, and turns 2FA off (after the policy check). */
export async function disableTwoFactor(
  ctx: Ctx,
  user: FactorOwner,
  meta: RequestMeta,
  reason: 'user' | 'last_factor_removed',
): Promise<void> {
  await assertTwoFactorMayTurnOff(ctx, user.id);
  await wipeSecondFactors(ctx, user.id);
  await audit(ctx, meta, {
    event: 'two_factor.disabled',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { reason },
  });
  await ctx.mail.send(
    securityTemplates.twoFactorDisabled(user.email, { productName: ctx.config.productName }),
    ctx.clock(),
  );
}

/** The shared core of disable, admin reset and recovery: nothing of the second step survives. */
export async function wipeSecondFactors(ctx: Ctx, userId: string): Promise<void> {
  for (const factor of FACTORS) await factor.removeAll(ctx, userId);
  await revokeAllTrustedDevices(ctx, userId);
  await turnTwoFactorOff(ctx, userId);
}

/** Removes one factor; the last primary one goes through disableTwoFactor. */
export async function removeFactor(
  ctx: Ctx,
  user: FactorOwner,
  factorId: string,
  meta: RequestMeta,
): Promise<{ twoFactorOff: boolean }> {
  const all = await Promise.all(
    FACTORS.filter((f) => f.primary).map(async (f) => ({ factor: f, entries: await f.list(ctx, user.id) })),
  );
  const owner = all.find((a) => a.entries.some((e) => e.id === factorId));
  if (!owner) throw new AppError('not_found');
  const entry = owner.entries.find((e) => e.id === factorId)!;
  const primaryCount = all.reduce((n, a) => n + a.entries.length, 0);
  if (primaryCount === 1) {
    await disableTwoFactor(ctx, user, meta, 'last_factor_removed');
    await audit(ctx, meta, {
      event: 'factor.removed',
      actorUserId: user.id,
      targetUserId: user.id,
      details: { type: entry.type, label: entry.label },
    });
    return { twoFactorOff: true };
  }
  if (!(await owner.factor.remove(ctx, user.id, factorId))) throw new AppError('not_found');
  await audit(ctx, meta, {
    event: 'factor.removed',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { type: entry.type, label: entry.label },
  });
  await ctx.mail.send(
    securityTemplates.factorRemoved(user.email, { productName: ctx.config.productName, what: describe(entry) }),
    ctx.clock(),
  );
  return { twoFactorOff: false };
}

export async function regenerateBackupCodes(ctx: Ctx, user: FactorOwner, meta: RequestMeta): Promise<string[]> {
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('two_factor_enabled')
    .where('id', '=', user.id)
    .executeTakeFirst();
  if (Number(row?.two_factor_enabled) !== 1)
    throw new AppError('conflict', { message: 'Turn on two-factor authentication first.' });
  // The new set and its audit row land together: a crash leaves the old set (and no audit row) or both.
  const codes = await inTransaction(ctx, async (tx) => {
    const fresh = await issueBackupCodes(tx, user.id);
    await audit(tx, meta, { event: 'backup_codes.regenerated', actorUserId: user.id, targetUserId: user.id });
    return fresh;
  });
  await ctx.mail.send(
    securityTemplates.backupCodesRegenerated(user.email, { productName: ctx.config.productName }),
    ctx.clock(),
  );
  return codes;
}

/**
 * Resets a user's 2FA on behalf of an operator (CLI) or an admin: removes factors, backup codes and trusted
 * devices, ends every session, notifies the user. The org policy still applies at the next sign-in.
 */
export async function resetTwoFactor(
  ctx: Ctx,
  user: FactorOwner,
  by: { actorUserId: string | null; orgId: string | null; reason: string },
  meta: RequestMeta | null,
  notice: 'reset' | 'recovery' = 'reset',
): Promise<void> {
  await wipeSecondFactors(ctx, user.id);
  await markTwoFactorReset(ctx, user.id);
  await revokeAllSessions(ctx, user.id, null);
  await audit(ctx, meta, {
    event: 'two_factor.reset',
    actorUserId: by.actorUserId,
    targetUserId: user.id,
    orgId: by.orgId,
    details: { reason: by.reason },
  });
  // Any "needs reset" request of this member is answered by this reset.
  await ctx.db.kysely
    .updateTable('recoveries')
    .set({ status: 'resolved', ended_at: ctx.clock().toISOString() })
    .where('user_id', '=', user.id)
    .where('status', '=', 'needs_admin')
    .execute();
  const mail = notice === 'recovery' ? recoveryTemplates.completed : securityTemplates.twoFactorReset;
  await ctx.mail.send(mail(user.email, { productName: ctx.config.productName }), ctx.clock());
}
