/**
 * Once per test run (vitest globalSetup):
 * - builds dist/cli.js from the current source, so that the suites that start twofold as a process or run
 *   its commands (test/helpers/process.ts) run what `npm start` and the `twofold` command run, without
 *   loading TypeScript in every child (that took 2–4 s a process);
 * - makes the run's scratch folder for test databases (test/helpers/db.ts), in memory-backed /dev/shm when
 *   there is one, and removes it when the run ends.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
  const scratch = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'twofold-tests-'));
  // Test workers are started after this and inherit it.
  process.env.TWOFOLD_TEST_SCRATCH = scratch;
  return () => fs.rmSync(scratch, { recursive: true, force: true });
}
