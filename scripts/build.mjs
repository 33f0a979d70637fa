/**
 * Builds what `npm start` and the `twofold` command run: the browser bundle (src/pages/static/), then the
 * server and CLI as one JavaScript file, dist/cli.js (esbuild; dependencies stay in node_modules), with a
 * source map for stack traces and the static files beside it. Run by `npm install` (prepare) and
 * `npm start` (prestart); no TypeScript loader is needed at run time.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd: root, stdio: 'inherit' });

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // A production install without dev dependencies runs the build it shipped with.
  if (fs.existsSync(new URL('../dist/cli.js', import.meta.url))) process.exit(0);
  console.error('build: esbuild is not installed and there is no dist/cli.js yet (run npm install).');
  process.exit(1);
}

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ['node20'],
  packages: 'external',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// Served by src/pages/routes.ts from `./static/` beside the running module.
fs.mkdirSync(`${root}/dist/static`, { recursive: true });
for (const name of fs.readdirSync(`${root}/src/pages/static`)) {
  fs.copyFileSync(`${root}/src/pages/static/${name}`, `${root}/dist/static/${name}`);
}
