/**
 * Bulk import of members (moving in from another system). Streams the input line by line (1 M rows never
 * sit in memory), writes each batch in one transaction together with the progress mark, so an interrupted
 * import resumes after its last committed batch and never half-writes a batch. Existing accounts keep
 * their password and factors and only gain the membership. Imported TOTP seeds are sealed like any other.
 * A new account's address was typed in elsewhere, so it is not verified: its verification link and email are
 * written with the batch (the mail queue delivers them), so a resumed import never sends one twice.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { randomId } from '../crypto/index.ts';
import { base32Decode } from '../core/base32.ts';
import type { Ctx } from '../context.ts';
import { checkRow, rowRejected, splitCsvLine, type ImportRow, type RowProblem } from './rows.ts';
import { insertVerifications, newVerification } from '../accounts/verification.ts';
import { queueMailWithin } from '../mail/queue.ts';
import { insertUserRows } from '../accounts/store.ts';
import { findOrgByName } from '../orgs/service.ts';
import { addMembers, insertOrg } from '../orgs/store.ts';
import { wrapKysely } from '../db/connect.ts';

export const IMPORT_BATCH_ROWS = 1000;

export interface ImportReport {
  read: number;
  imported: number;
  existing: number;
  rejected: number;
  resumedAfterLine: number;
}

export interface ImportOptions {
  readonly format: 'jsonl' | 'csv';
  /** Identifies this input for resuming (e.g. path + size); null: no resume bookkeeping. */
  readonly resumeKey: string | null;
  /** A rejected row: its line, its email when readable, why in English, and why as a code. */
  readonly onRejected?: (line: number, email: string | null, reason: string, problem: RowProblem) => void;
  readonly onProgress?: (linesRead: number) => void;
}

async function orgIds(ctx: Ctx, names: readonly string[], now: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const name of new Set(names)) {
    const found = await findOrgByName(ctx, name);
    if (found) ids.set(name, found.id);
    else {
      const id = randomId();
      await insertOrg(ctx, { id, name, createdAt: now });
      ids.set(name, id);
    }
  }
  return ids;
}

async function writeBatch(
  ctx: Ctx,
  rows: readonly ImportRow[],
  lastLine: number,
  resumeKey: string | null,
): Promise<{ imported: number; existing: number }> {
  const now = ctx.clock().toISOString();
  const orgs = await orgIds(
    ctx,
    rows.map((r) => r.org),
    now,
  );
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const tx: Ctx = { ...ctx, db: wrapKysely(trx, ctx.db.dialect, ctx.db.pgSchema) };
    const emails = rows.map((r) => r.email);
    const before = new Set(
      (await trx.selectFrom('users').select('email').where('email', 'in', emails).execute()).map((u) => u.email),
    );
    const fresh = rows.filter((r, i) => !before.has(r.email) && emails.indexOf(r.email) === i);
    const newUsers = fresh.map((r) => ({ id: randomId(), row: r }));
    if (newUsers.length > 0) {
      await insertUserRows(
        tx,
        newUsers.map(({ id, row }) => ({
          id,
          email: row.email,
          name: row.name,
          passwordHash: row.passwordHash,
          twoFactorEnabled: !!row.totpSecret,
        })),
      );
      const at = new Date(now);
      const verifications = newUsers.map(({ id, row }) =>
        newVerification(ctx, { id, email: row.email, locale: null, timeZone: null }, at),
      );
      await insertVerifications(
        tx,
        verifications.map((v) => v.row),
      );
      await queueMailWithin(
        tx.db,
        verifications.map((v) => v.mail),
        at,
      );
      const seeded = newUsers.filter(({ row }) => row.totpSecret);
      if (seeded.length > 0) {
        await trx
          .insertInto('totp_factors')
          .values(
            seeded.map(({ id: userId, row }) => {
              const factorId = randomId();
              const { keyId, sealed } = ctx.keyring.seal(base32Decode(row.totpSecret!), `totp:${factorId}`);
              return {
                id: factorId,
                user_id: userId,
                label: 'Authenticator app',
                secret_sealed: sealed,
                key_id: keyId,
                last_used_step: null,
                created_at: now,
                last_used_at: null,
              };
            }),
          )
          .execute();
      }
    }
    const userIds = new Map(
      (await trx.selectFrom('users').select(['id', 'email']).where('email', 'in', emails).execute()).map((u) => [
        u.email,
        u.id,
      ]),
    );
    await addMembers(
      tx,
      rows.map((r) => ({ orgId: orgs.get(r.org)!, userId: userIds.get(r.email)!, role: r.role })),
    );
    if (resumeKey) {
      await trx
        .insertInto('import_progress')
        .values({ key: resumeKey, line: lastLine, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ line: sql<number>`excluded.line`, updated_at: sql<string>`excluded.updated_at` }),
        )
        .execute();
    }
    return { imported: newUsers.length, existing: rows.length - newUsers.length };
  });
}

export async function importMembers(ctx: Ctx, input: Readable, options: ImportOptions): Promise<ImportReport> {
  const resumeAfter = options.resumeKey
    ? Number(
        (
          await ctx.db.kysely
            .selectFrom('import_progress')
            .select('line')
            .where('key', '=', options.resumeKey)
            .executeTakeFirst()
        )?.line ?? 0,
      )
    : 0;
  const report: ImportReport = { read: 0, imported: 0, existing: 0, rejected: 0, resumedAfterLine: resumeAfter };
  let header: string[] | null = null;
  let batch: ImportRow[] = [];
  let line = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const written = await writeBatch(ctx, batch, line, options.resumeKey);
    report.imported += written.imported;
    report.existing += written.existing;
    batch = [];
  };
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (options.format === 'csv' && header === null) {
      header = splitCsvLine(text).map((h) => h.trim().toLowerCase());
      continue;
    }
    if (line <= resumeAfter || text.trim() === '') continue;
    report.read += 1;
    let raw: Record<string, unknown> | null;
    if (options.format === 'csv') {
      const fields = splitCsvLine(text);
      raw = Object.fromEntries(header!.map((h, i) => [h, fields[i] ?? '']));
    } else {
      try {
        const parsed: unknown = JSON.parse(text);
        raw =
          parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
      } catch {
        raw = null;
      }
    }
    const checked = raw ? checkRow(raw) : rowRejected('notObject');
    if (!checked.ok) {
      report.rejected += 1;
      options.onRejected?.(
        line,
        raw && typeof raw.email === 'string' ? raw.email.slice(0, 320) : null,
        checked.reason,
        checked.problem,
      );
      continue;
    }
    batch.push(checked.row);
    if (batch.length >= IMPORT_BATCH_ROWS) {
      await flush();
      options.onProgress?.(line);
    }
  }
  await flush();
  options.onProgress?.(line);
  return report;
}
