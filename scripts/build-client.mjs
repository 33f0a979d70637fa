/**
 * Bundles the browser code (src/pages/client/) into src/pages/static/, served from our own origin so the
 * strict CSP (script-src 'self') holds. Run by `npm test`, `npm start` (prestart) and `npm run build:client`.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'src/pages/static/webauthn.js';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // A production install without dev dependencies keeps the bundle it shipped with.
  if (fs.existsSync(new URL(`../${outfile}`, import.meta.url))) process.exit(0);
  console.error('build-client: esbuild is not installed and there is no bundle yet (run npm install).');
  process.exit(1);
}

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/pages/client/webauthn.ts'],
  outfile,
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
