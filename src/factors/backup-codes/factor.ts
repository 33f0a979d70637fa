/** Backup codes: a fallback method, never a factor that keeps 2FA on by itself (it comes with the first one). */
import type { CodeProof, Factor } from '../factor.ts';
import { backupCodesLeft, removeBackupCodes, spendBackupCode } from './store.ts';

export type BackupCodeProof = CodeProof<'backup_code'>;

export const backupCodesFactor = {
  id: 'backup-codes',
  methods: ['backup_code'] as const,
  primary: false,
  amr: ['otp'],
  describe: {
    name: 'Backup codes',
    article: 'Backup codes',
    kind: () => 'backup codes',
    setup: null,
    methods: {
      backup_code: {
        answer: 'code',
        option: 'Backup code',
        policyLabel: 'Backup code',
        title: 'Enter a backup code',
        prompt:
          'Enter one of the backup codes you saved when you turned on two-factor authentication. Each code works once.',
        label: 'Backup code',
        other: 'Use a backup code',
        field: { numeric: false, maxLength: 20, placeholder: 'xxxx-xxxx-xxxx-x' },
      },
    },
  },
  parseProof: (method, code): BackupCodeProof => ({ method, code }),
  async methodsFor(ctx, userId) {
    return (await backupCodesLeft(ctx, userId)) > 0 ? ['backup_code'] : [];
  },
  async list() {
    return [];
  },
  async verify(ctx, { userId, proof }) {
    const outcome = await spendBackupCode(ctx, userId, proof.code);
    return outcome.ok ? { ...outcome, remaining: await backupCodesLeft(ctx, userId) } : outcome;
  },
  async remove() {
    return false;
  },
  removeAll: removeBackupCodes,
} satisfies Factor<BackupCodeProof>;
