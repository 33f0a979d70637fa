/** Backup codes: a fallback method, never a factor that keeps 2FA on by itself. */
import type { Factor } from '../factor.ts';
import { backupCodesLeft, removeBackupCodes, spendBackupCode } from './store.ts';

export const backupCodesFactor: Factor = {
  name: 'backup-codes',
  primary: false,
  async methodsFor(ctx, userId) {
    return (await backupCodesLeft(ctx, userId)) > 0 ? ['backup_code'] : [];
  },
  async list() {
    return [];
  },
  async verify(ctx, userId, method, code) {
    if (method !== 'backup_code') return null;
    return spendBackupCode(ctx, userId, code);
  },
  async remove() {
    return false;
  },
  removeAll: removeBackupCodes,
};
