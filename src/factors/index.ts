/**
 * The registry: one line per factor. Order is the fallback order of methods at sign-in (the user's
 * default comes first). The TOTP, backup-code, passkey and phone factors plug in here.
 */
import type { Ctx } from '../context.ts';
import type { Factor, SecondFactorMethod } from './factor.ts';

export const FACTORS: readonly Factor[] = [];

/** Every sign-in method the user has, in registry order. Empty = no second step. */
export async function methodsForUser(ctx: Ctx, userId: string): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  for (const factor of FACTORS) methods.push(...(await factor.methodsFor(ctx, userId)));
  return methods;
}
