/** Backup codes: a fallback method, never a factor that keeps 2FA on by itself (it comes with the first one). */
import { type CodeProof, type Factor, words } from '../factor.ts';
import { backupCodesLeft, removeBackupCodes, spendBackupCode } from './store.ts';

export type BackupCodeProof = CodeProof<'backup_code'>;

export const backupCodesFactor = {
  id: 'backup-codes',
  methods: ['backup_code'] as const,
  primary: false,
  amr: ['otp'],
  describe: {
    name: words('common:factors.backup_codes.name'),
    kind: () => words('common:factors.backup_codes.kind'),
    setup: null,
    methods: {
      backup_code: {
        answer: 'code',
        option: words('common:methodTexts.backup_code.option'),
        policyLabel: words('common:methodTexts.backup_code.policyLabel'),
        title: words('common:methodTexts.backup_code.title'),
        prompt: words('common:methodTexts.backup_code.prompt'),
        label: words('common:methodTexts.backup_code.label'),
        other: words('common:methodTexts.backup_code.other'),
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
