/**
 * No import cycle between the top-level modules of src/ (src/accounts, src/orgs, …), counting every file but
 * the entry points (HTTP routes, pages, views, the OIDC provider, app/cli/server), which sit on top and may
 * import anything below. Reads dependency-cruiser's graph (the same configuration as `depcruise`), collapses
 * it to modules and fails on any strongly connected component of more than one module, naming the imports
 * that close it (cycles listed in scripts/architecture.cjs as known are tolerated while they are taken
 * apart). Run by `npm run check`.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { ENTRY: ENTRY_PATTERN, KNOWN_CYCLES } = require('./architecture.cjs');
const ENTRY = new RegExp(ENTRY_PATTERN);

const bin = fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));
const out = execFileSync(
  process.execPath,
  [bin, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--no-progress'],
  { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
);
const graph = JSON.parse(out);
const moduleOf = (file) => (file.startsWith('src/') ? file.split('/')[1].replace(/\.ts$/, '') : null);

/** module → module → the file imports behind the edge */
const edges = new Map();
for (const { source, dependencies } of graph.modules) {
  const from = moduleOf(source);
  if (!from || ENTRY.test(source)) continue;
  for (const dependency of dependencies) {
    const to = moduleOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const list = edges.get(from).get(to) ?? [];
    list.push(`${source} → ${dependency.resolved}`);
    edges.get(from).set(to, list);
  }
}

// Tarjan's strongly connected components.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
let counter = 0;
function visit(node) {
  index.set(node, counter);
  low.set(node, counter);
  counter += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node), index.get(next)));
    }
  }
  if (low.get(node) === index.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  }
}
for (const node of edges.keys()) if (!index.has(node)) visit(node);

const cycles = components.filter((c) => c.length > 1);
const known = (cycle) => KNOWN_CYCLES.some((allowed) => cycle.every((m) => allowed.includes(m)));
const news = cycles.filter((c) => !known(c));
if (news.length === 0) {
  const left = cycles.map((c) => c.sort().join(', '));
  console.log(
    `module cycles: ${left.length ? `only known ones, being taken apart: ${left.join(' | ')}` : 'none'} (${edges.size} modules)`,
  );
  process.exit(0);
}
for (const cycle of news) {
  console.error(`module cycle: ${cycle.sort().join(', ')}`);
  for (const from of cycle) {
    for (const [to, imports] of edges.get(from) ?? []) {
      if (cycle.includes(to)) for (const line of imports) console.error(`  ${line}`);
    }
  }
}
process.exit(1);
