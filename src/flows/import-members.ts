/**
 * An org's owner or admin moves members in by pasting CSV (email, role, name, password_hash, totp_secret):
 * the same importer as `twofold import`, every row placed in this org whatever its org column says. It
 * creates accounts with credentials from elsewhere, so it needs a fresh re-authentication (sudo).
 */
import type { RowProblem } from '../import/rows.ts';
import { Readable } from 'node:stream';
import { BODY_LIMIT_BYTES } from '../config/defaults.ts';
import { audit, type Ctx } from '../context.ts';
import { importMembers, type ImportReport } from '../import/importer.ts';
import { splitCsvLine } from '../import/rows.ts';
import { requireManager } from '../orgs/service.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

/** Rewrites pasted CSV so that every row belongs to `orgName`, whatever its org column says. */
function intoOrg(csv: string, orgName: string): string {
  const lines = csv
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return '';
  const original = splitCsvLine(lines[0]!).map((h) => h.trim().toLowerCase());
  const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;
  const rows = lines.slice(1).map((line) => {
    const fields = splitCsvLine(line);
    const kept = original
      .map((h, i) => [h, fields[i] ?? ''] as const)
      .filter(([h]) => h !== 'org')
      .map(([, v]) => quote(v));
    return [...kept, quote(orgName)].join(',');
  });
  return [[...original.filter((h) => h !== 'org'), 'org'].join(','), ...rows].join('\n');
}

/** A row the import refused: where, whose (when readable), and why (pages word it in the reader's language). */
export interface RejectedRow {
  readonly line: number;
  readonly email: string | null;
  readonly problem: RowProblem;
}

/** Imports the pasted CSV into the org; the report, and each rejected row with its reason (no secrets). */
export async function importIntoOrg(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly csv: string },
): Promise<{ report: ImportReport; rejected: RejectedRow[] }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { org } = await requireManager(ctx, input.orgId, session.userId);
  const rejected: RejectedRow[] = [];
  const report = await importMembers(ctx, Readable.from([intoOrg(input.csv.slice(0, BODY_LIMIT_BYTES), org.name)]), {
    format: 'csv',
    resumeKey: null,
    onRejected: (line, email, _reason, problem) => rejected.push({ line, email, problem }),
  });
  await audit(ctx, meta, {
    event: 'members.imported',
    actorUserId: session.userId,
    orgId: org.id,
    details: { read: report.read, imported: report.imported, existing: report.existing, rejected: report.rejected },
  });
  return { report, rejected };
}
