/** `twofold import FILE`: streams the file, shows progress on stderr, writes rejected rows beside it. */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { importMembers, type ImportReport } from './importer.ts';

export async function runImport(ctx: Ctx, file: string, options: { restart: boolean }): Promise<ImportReport> {
  const absolute = path.resolve(file);
  const stat = fs.statSync(absolute);
  const format = absolute.endsWith('.csv') ? 'csv' : 'jsonl';
  // The same file (path and size) resumes where the last committed batch ended.
  const resumeKey = `file:${absolute}:${stat.size}`;
  if (options.restart) await ctx.db.kysely.deleteFrom('import_progress').where('key', '=', resumeKey).execute();
  const rejected = fs.createWriteStream(`${absolute}.rejected.jsonl`, { flags: 'a' });
  const input = fs.createReadStream(absolute);
  const started = Date.now();
  const progress = (): void => {
    const share = stat.size > 0 ? Math.min(1, input.bytesRead / stat.size) : 1;
    const filled = Math.round(share * 30);
    const rate = Math.round(input.bytesRead / Math.max(1, (Date.now() - started) / 1000) / 1024);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(1)}%  ${rate} KiB/s`,
    );
  };
  try {
    return await importMembers(ctx, input, {
      format,
      resumeKey,
      onRejected: (line, email, reason) => rejected.write(`${JSON.stringify({ line, email, reason })}\n`),
      onProgress: progress,
    });
  } finally {
    process.stderr.write('\n');
    await new Promise<void>((resolve) => rejected.end(resolve));
  }
}
