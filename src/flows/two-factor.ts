/**
 * Turning 2FA on and off, backup-code sets, and the reset. The first confirmed primary factor turns 2FA on
 * and issues backup codes; removing the last one, or turning it off, ends it — unless an org requires 2FA of
 * the person (409 two_factor_required_by_org). A reset (admin, operator, completed recovery) ends it anyway.
 */
import { mailSenderName } from '../branding/store.ts';
import { AppError } from '../errors.ts';
import { english, type MessageKey, type MessageValues, type T } from '../i18n/index.ts';
import { audit, inTransaction, type Ctx } from '../context.ts';
import type { RequestMeta } from '../audit/store.ts';
import { checkCredentials } from '../accounts/service.ts';
import { markTwoFactorReset, turnTwoFactorOff, turnTwoFactorOn } from '../accounts/store.ts';
import { recoveryTemplates, securityTemplates, type Recipient } from '../mail/templates.ts';
import { orgsRequiringTwoFactor } from '../orgs/policy.ts';
import { resolveAdminRequests } from '../recovery/service.ts';
import { revokeAllTrustedDevices } from '../sessions/devices.ts';
import { revokeAllSessions } from '../sessions/service.ts';
import { FACTORS, type Proof } from '../factors/index.ts';
import { failedCode } from '../factors/factor.ts';
import { issueBackupCodes } from '../factors/backup-codes/store.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';
import { verifySecondFactor } from './second-factor.ts';

/** Whose factors: the account, and where (and in which language) its notices go. */
export interface FactorOwner extends Recipient {
  readonly id: string;
}

/** What was added or removed, as the audit log and the emails name it. */
export interface FactorNamed {
  readonly type: string;
  readonly label: string;
}

/** Why 2FA would turn off: the person turns it off, or removes their last method. */
export type TurnOffReason = 'user' | 'last_factor_removed';

/** The refusal while an org requires 2FA of the person, worded for what they tried: its text and values. */
export function requiredByOrg(
  orgs: readonly string[],
  reason: TurnOffReason,
): { readonly key: MessageKey; readonly values: MessageValues } {
  return {
    key:
      reason === 'user'
        ? 'errors:messages.twoFactor.requiredByOrgUser'
        : 'errors:messages.twoFactor.requiredByOrgLastFactor',
    values: { orgs: orgs.join(', '), count: orgs.length },
  };
}

/** The refusal while an org requires 2FA of the person, in the reader's language (English by default). */
export function requiredByOrgMessage(orgs: readonly string[], reason: TurnOffReason, t: T = english): string {
  const { key, values } = requiredByOrg(orgs, reason);
  return t(key, values);
}

async function assertTwoFactorMayTurnOff(ctx: Ctx, userId: string, reason: TurnOffReason): Promise<void> {
  const orgs = await orgsRequiringTwoFactor(ctx, userId);
  if (orgs.length > 0) {
    throw new AppError('two_factor_required_by_org', {
      ...requiredByOrg(orgs, reason),
      details: { orgs },
    });
  }
}

/**
 * The database side of a new factor — audit, 2FA on, backup codes — in one transaction with the factor's
 * own writes (the factor runs it), so a crash leaves a factor with its backup codes, or nothing.
 */
export async function recordFactorAdded(
  tx: Ctx,
  user: FactorOwner,
  what: FactorNamed,
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
export async function notifyFactorAdded(ctx: Ctx, user: FactorOwner, what: FactorNamed): Promise<void> {
  await ctx.mail.send(
    securityTemplates.factorAdded(user, { productName: await mailSenderName(ctx, user.id), what }),
    ctx.clock(),
  );
}

export async function notifyFactorRemoved(ctx: Ctx, user: FactorOwner, what: FactorNamed): Promise<void> {
  await ctx.mail.send(
    securityTemplates.factorRemoved(user, { productName: await mailSenderName(ctx, user.id), what }),
    ctx.clock(),
  );
}

/**
 * Turning 2FA off by the person: their password and a current proof (docs/product.md "Two-factor
 * authentication"), refused while an org requires it. Every factor, backup code and trusted browser goes.
 */
export async function turnOffTwoFactor(
  ctx: Ctx,
  by: Acting,
  input: { password: string; proof: Proof | null },
): Promise<void> {
  const user = by.session.user;
  // Refused while an org requires 2FA, before any password or code is spent on it.
  await assertTwoFactorMayTurnOff(ctx, user.id, 'user');
  await checkCredentials(ctx, user.email, input.password, by.meta);
  if (!input.proof)
    throw new AppError('invalid_request', {
      key: 'errors:messages.twoFactor.currentCodeMissing',
      details: { field: 'code' },
    });
  const outcome = await verifySecondFactor(ctx, user, input.proof, by.meta, 'disable');
  if (!outcome.ok) throw failedCode(outcome);
  await disableTwoFactor(ctx, user, by.meta, 'user');
}

/** Removes every factor, backup code and trusted device, and turns 2FA off (after the policy check). */
export async function disableTwoFactor(
  ctx: Ctx,
  user: FactorOwner,
  meta: RequestMeta,
  reason: TurnOffReason,
): Promise<void> {
  await assertTwoFactorMayTurnOff(ctx, user.id, reason);
  await wipeSecondFactors(ctx, user.id);
  await audit(ctx, meta, {
    event: 'two_factor.disabled',
    actorUserId: user.id,
    targetUserId: user.id,
    details: { reason },
  });
  await ctx.mail.send(
    securityTemplates.twoFactorDisabled(user, { productName: await mailSenderName(ctx, user.id) }),
    ctx.clock(),
  );
}

/** The shared core of disable, admin reset and recovery: nothing of the second step survives. */
export async function wipeSecondFactors(ctx: Ctx, userId: string): Promise<void> {
  for (const factor of FACTORS) await factor.removeAll(ctx, userId);
  await revokeAllTrustedDevices(ctx, userId);
  await turnTwoFactorOff(ctx, userId);
}

/** A new set of backup codes (sudo); the old set stops working. */
export async function regenerateBackupCodes(ctx: Ctx, by: Acting): Promise<string[]> {
  requireRecentReauthentication(ctx, by.session);
  const user = by.session.user;
  const row = await ctx.db.kysely
    .selectFrom('users')
    .select('two_factor_enabled')
    .where('id', '=', user.id)
    .executeTakeFirst();
  if (Number(row?.two_factor_enabled) !== 1) throw new AppError('conflict', { key: 'errors:messages.twoFactor.notOn' });
  // The new set and its audit row land together: a crash leaves the old set (and no audit row) or both.
  const codes = await inTransaction(ctx, async (tx) => {
    const fresh = await issueBackupCodes(tx, user.id);
    await audit(tx, by.meta, { event: 'backup_codes.regenerated', actorUserId: user.id, targetUserId: user.id });
    return fresh;
  });
  await ctx.mail.send(
    securityTemplates.backupCodesRegenerated(user, { productName: await mailSenderName(ctx, user.id) }),
    ctx.clock(),
  );
  return codes;
}

/**
 * Resets a person's 2FA on behalf of an operator (CLI), an admin, or a completed recovery: removes factors,
 * backup codes and trusted devices, ends every session, notifies the person. The org policy still applies at
 * the next sign-in.
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
  await resolveAdminRequests(ctx, user.id);
  const mail = notice === 'recovery' ? recoveryTemplates.completed : securityTemplates.twoFactorReset;
  await ctx.mail.send(mail(user, { productName: await mailSenderName(ctx, user.id) }), ctx.clock());
}
