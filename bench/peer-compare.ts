/**
 * `npm run bench -- --peer`: after twofold's phases, in the same run, measures the peer (better-auth +
 * twoFactor, bench/peer) with the same loader and prints twofold / peer ratios for the shared flows.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface PeerPhase {
  readonly phase: string;
  readonly perSecond: number;
  readonly p99Ms: number;
}

export interface OwnFigure {
  readonly phase: string;
  readonly database: string;
  readonly perSecond: number;
  readonly p99Ms: number;
}

/** The flows both servers implement, with the target ratio (twofold / peer). */
const SHARED: Array<{ ours: string; theirs: string; label: string; target: number }> = [
  { ours: 'c', theirs: 'c', label: 'session check', target: 20 },
  { ours: 'a', theirs: 'a', label: 'TOTP verify step', target: 10 },
  { ours: 'b', theirs: 'b', label: 'full password + TOTP sign-in', target: 5 },
];

export function runPeerAndCompare(
  root: string,
  quick: boolean,
  own: readonly OwnFigure[],
  log: (line: string) => void,
): void {
  const peerDir = path.join(root, 'bench', 'peer');
  if (!fs.existsSync(path.join(peerDir, 'node_modules', 'better-auth'))) {
    log('\ninstalling the peer (bench/peer) …');
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: peerDir, stdio: 'inherit' });
  }
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peer-')), 'peer.json');
  log('\npeer: better-auth + twoFactor (bench/peer/run-peer.ts)');
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(peerDir, 'run-peer.ts'), ...(quick ? ['--quick'] : []), `--json=${json}`],
    { cwd: root, stdio: 'inherit' },
  );
  const peer = JSON.parse(fs.readFileSync(json, 'utf8')) as { phases: PeerPhase[]; memory: { peakRssMb: number } };
  log('\n| flow (SQLite, c=32) | twofold /s (p99 ms) | peer /s (p99 ms) | twofold / peer | target |');
  log('|---|---:|---:|---:|---|');
  for (const flow of SHARED) {
    const ours = own.find((r) => r.phase === flow.ours && r.database === 'SQLite');
    const theirs = peer.phases.find((p) => p.phase === flow.theirs);
    if (!ours || !theirs) continue;
    const ratio = ours.perSecond / theirs.perSecond;
    log(
      `| ${flow.label} | ${ours.perSecond.toFixed(0)} (${ours.p99Ms.toFixed(1)}) | ${theirs.perSecond.toFixed(0)} (${theirs.p99Ms.toFixed(1)}) | ${ratio.toFixed(1)}× | ≥ ${flow.target}× ${ratio >= flow.target ? 'met' : 'missed'} |`,
    );
  }
  log(`| peak server RSS MB | | ${peer.memory.peakRssMb.toFixed(0)} | | |`);
}
