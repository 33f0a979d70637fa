/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: the top functions by self
 * time, and self time grouped by origin (a package in node_modules, a file of src/, Node internals,
 * GC). Idle time is left out of the percentages.
 *
 *   node --import tsx bench/profile-top.ts FILE.cpuprofile [N]
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src\/.+)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export function printTopFrames(file: string, limit = 30): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const frames = new Map<string, number>();
  const origins = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const short = url.replace(/^.*\/(node_modules|src)\//, '$1/');
    const key = `${functionName || '(anonymous)'}  ${short}${url ? `:${lineNumber + 1}` : ''}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    const o = origin(url, functionName);
    origins.set(o, (origins.get(o) ?? 0) + us);
  }
  const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  process.stdout.write(`busy (non-idle) time: ${(busy / 1e6).toFixed(1)} s\n\nself time by origin:\n`);
  for (const [o, us] of [...origins].sort((a, b) => b[1] - a[1]).slice(0, 15))
    process.stdout.write(`  ${pct(us)}  ${o}\n`);
  process.stdout.write(`\ntop ${limit} functions by self time:\n`);
  for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, limit))
    process.stdout.write(`  ${pct(us)}  ${key}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2]) {
  printTopFrames(process.argv[2]!, Number(process.argv[3] ?? 30));
}
