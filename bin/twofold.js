#!/usr/bin/env node
// The built CLI (dist/cli.js, made by `npm install` / `npm run build`), with stack traces mapped to the sources.
process.setSourceMapsEnabled(true);
await import('../dist/cli.js');
