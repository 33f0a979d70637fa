/**
 * The registry: one line per factor. Order is the fallback order of methods at sign-in (the user's
 * default comes first). Passkey and phone factors plug in here.
 */
import type { Ctx } from '../context.ts';
import type { Factor, FactorEntry, SecondFactorMethod } from './factor.ts';
import { totpFactor } from './totp/factor.ts';
import { passkeyFactor } from './passkey/factor.ts';
import { phoneFactor } from './phone/factor.ts';
import { backupCodesFactor } from './backup-codes/factor.ts';

export const FACTORS: readonly Factor[] = [totpFactor, passkeyFactor, phoneFactor, backupCodesFactor];

/**
 * Every sign-in method the user has, default first. Empty when the user has no primary factor: backup
 * codes alone never make a second step.
 */
export async function methodsForUser(
  ctx: Ctx,
  userId: string,
  defaultMethod: string | null = null,
): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  let hasPrimary = false;
  for (const factor of FACTORS) {
    const own = await factor.methodsFor(ctx, userId);
    if (factor.primary && own.length > 0) hasPrimary = true;
    methods.push(...own);
  }
  if (!hasPrimary) return [];
  const preferred = methods.find((m) => m === defaultMethod) ?? methods[0]!;
  return [preferred, ...methods.filter((m) => m !== preferred)];
}

export async function listFactors(ctx: Ctx, userId: string): Promise<FactorEntry[]> {
  const entries: FactorEntry[] = [];
  for (const factor of FACTORS) entries.push(...(await factor.list(ctx, userId)));
  return entries;
}

/** Renames one of the user's factors through its own factor; false when none holds that id. */
export async function renameFactor(ctx: Ctx, userId: string, factorId: string, label: string): Promise<boolean> {
  for (const factor of FACTORS) {
    if (factor.rename && (await factor.rename(ctx, userId, factorId, label))) return true;
  }
  return false;
}
