/** The read model of a person's second factors: what the Security page, the JSON API and an app's sign-in show. */
import { BACKUP_CODES } from '../config/defaults.ts';
import type { Ctx } from '../context.ts';
import type { FactorEntry } from './factor.ts';
import { listFactors } from './index.ts';
import { backupCodesLeft } from './backup-codes/store.ts';

export interface FactorOverview {
  readonly twoFactorEnabled: boolean;
  readonly factors: ReadonlyArray<FactorEntry & { readonly isDefault: boolean }>;
  readonly backupCodesLeft: number;
  readonly backupCodesLow: boolean;
}

export async function factorOverview(ctx: Ctx, userId: string): Promise<FactorOverview> {
  const user = await ctx.db.kysely
    .selectFrom('users')
    .select(['two_factor_enabled', 'default_method'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const factors = await listFactors(ctx, userId);
  // The default is the first factor offering the chosen method, else the first factor.
  const defaultId =
    (factors.find((f) => user.default_method !== null && f.methods.includes(user.default_method)) ?? factors[0])?.id ??
    null;
  const left = await backupCodesLeft(ctx, userId);
  return {
    twoFactorEnabled: Number(user.two_factor_enabled) === 1,
    factors: factors.map((f) => ({ ...f, isDefault: f.id === defaultId })),
    backupCodesLeft: left,
    backupCodesLow: Number(user.two_factor_enabled) === 1 && left <= BACKUP_CODES.warnAtOrBelow,
  };
}
