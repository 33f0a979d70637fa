/**
 * Backup codes (look-up secrets, NIST SP 800-63B rev 4 §3.1.2): 10 codes of 65 bits from the CSPRNG,
 * stored as HMAC-SHA-256 under a server key outside the database, each spent once by compare-and-swap.
 */
import { BACKUP_CODES } from '../../config/defaults.ts';
import { randomId, randomString } from '../../crypto/index.ts';
import { BACKUP_CODE_ALPHABET, formatBackupCode, normaliseBackupCode } from '../../core/backup-code.ts';
import { inTransaction, type Ctx } from '../../context.ts';
import type { VerifyOutcome } from '../factor.ts';

const hashCode = (ctx: Ctx, canonical: string): string => ctx.keyring.keyedHash('backup-code', canonical);

/** Replaces the user's codes with a fresh set; returns them formatted, to be shown once. */
export async function issueBackupCodes(ctx: Ctx, userId: string): Promise<string[]> {
  const now = ctx.clock().toISOString();
  const codes = Array.from({ length: BACKUP_CODES.count }, () =>
    randomString(BACKUP_CODE_ALPHABET, BACKUP_CODES.length),
  );
  await inTransaction(ctx, async (tx) => {
    await tx.db.kysely.deleteFrom('backup_codes').where('user_id', '=', userId).execute();
    await tx.db.kysely
      .insertInto('backup_codes')
      .values(
        codes.map((code) => ({
          id: randomId(),
          user_id: userId,
          code_hash: hashCode(ctx, code),
          created_at: now,
          used_at: null,
        })),
      )
      .execute();
  });
  return codes.map(formatBackupCode);
}

export async function backupCodesLeft(ctx: Ctx, userId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('backup_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Spends a code: only the request whose UPDATE changes the row wins. */
export async function spendBackupCode(ctx: Ctx, userId: string, input: string): Promise<VerifyOutcome> {
  const canonical = normaliseBackupCode(input);
  if (!canonical) return { ok: false, reason: 'invalid' };
  const result = await ctx.db.kysely
    .updateTable('backup_codes')
    .set({ used_at: ctx.clock().toISOString() })
    .where('user_id', '=', userId)
    // Codes issued before a key rotation still match under the older key.
    .where('code_hash', 'in', ctx.keyring.keyedHashes('backup-code', canonical))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1
    ? { ok: true, amr: ['otp'], factorId: null }
    : { ok: false, reason: 'invalid' };
}

export async function removeBackupCodes(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom('backup_codes').where('user_id', '=', userId).execute();
}
