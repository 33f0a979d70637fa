/**
 * Which part of src/ may import which (docs/architecture.md). Run by `npm run check` (part of `npm test`);
 * type-only imports count too, so that a layer does not lean on the shape of a higher one.
 */
const { ENTRY } = require('./scripts/architecture.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle between files: one of them belongs lower, or the shared part in a module of its own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'routes-only-from-the-app-factory',
      severity: 'error',
      comment: 'A routes file is an entry point: only src/app.ts registers it; shared code lives in a flow or a store.',
      from: { path: '^src/', pathNot: '^src/app[.]ts$' },
      to: { path: 'routes[.]ts$' },
    },
    {
      name: 'entry-points-are-on-top',
      severity: 'error',
      comment:
        'Flows, stores and the core never import an entry point (HTTP routes, pages, views, the OIDC provider, the CLI).',
      from: { path: '^src/', pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'flows-above-stores',
      severity: 'error',
      comment: 'Only entry points call flows; flows may call each other.',
      from: { path: '^src/', pathNot: `${ENTRY}|^src/flows/` },
      to: { path: '^src/flows/' },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core holds pure rules: it imports only itself, the configuration defaults and the crypto module.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/(core|config/defaults[.]ts|crypto)' },
    },
    {
      name: 'only-crypto-imports-node-crypto',
      severity: 'error',
      comment: 'One module owns randomness, hashing, encryption and constant-time comparison.',
      from: { path: '^src/', pathNot: '^src/crypto/' },
      to: { path: '^(node:)?crypto$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/pages/client/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
