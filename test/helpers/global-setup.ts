/**
 * Once per test run (vitest globalSetup): builds dist/cli.js from the current source, so that the suites
 * that start twofold as a process or run its commands (test/helpers/process.ts CLI) run what `npm start`
 * and the `twofold` command run, without loading TypeScript in every child (that took 2–4 s a process).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
  });
}
