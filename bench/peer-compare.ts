/**
 * `npm run bench -- --peer`: after twofold's phases, in the same run, measures the peer (better-auth +
 * twoFactor, bench/peer) twice with the same loader — with its defaults, and with WAL (journal_mode=WAL,
 * synchronous=NORMAL: the fastest SQLite set-up its users document) — and prints, in one table, every target
 * of the performance work with its ratio and verdict. Ratios against the peer use the WAL run.
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

interface PeerRun {
  readonly phases: PeerPhase[];
  readonly memory: { peakRssMb: number };
}

export interface OwnFigure {
  readonly phase: string;
  readonly database: string;
  readonly perSecond: number;
  readonly p99Ms: number;
  /** The server's peak RSS (VmHWM) when the phase ended, MB. */
  readonly peakMb: number | null;
}

/** The flows both servers implement, with the target ratio (twofold / peer with WAL). */
const SHARED: Array<{ ours: string; theirs: string; label: string; target: number }> = [
  { ours: 'c', theirs: 'c', label: 'session check /s (c=32)', target: 20 },
  { ours: 'a', theirs: 'a', label: 'TOTP verify step /s', target: 10 },
  { ours: 'b', theirs: 'b', label: 'password + TOTP sign-ins /s', target: 5 },
];

function runPeer(root: string, quick: boolean, wal: boolean, log: (line: string) => void): PeerRun {
  const peerDir = path.join(root, 'bench', 'peer');
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peer-')), 'peer.json');
  log(`\npeer: better-auth + twoFactor (bench/peer/run-peer.ts${wal ? ' --wal' : ''})`);
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(peerDir, 'run-peer.ts'),
      ...(quick ? ['--quick'] : []),
      ...(wal ? ['--wal'] : []),
      `--json=${json}`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return JSON.parse(fs.readFileSync(json, 'utf8')) as PeerRun;
}

const verdict = (ok: boolean | null): string => (ok === null ? 'not measured' : ok ? '**met**' : '**missed**');

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
  const defaults = runPeer(root, quick, false, log);
  const wal = runPeer(root, quick, true, log);
  const find = (phase: string, database = 'SQLite') => own.find((r) => r.phase === phase && r.database === database);
  const hello = find('hello', '—')?.perSecond ?? own.find((r) => r.phase === 'hello')?.perSecond ?? null;

  log('\n## Targets, one run\n');
  log('| flow | twofold | peer (defaults) | peer (WAL) | twofold / peer (WAL) | target | verdict |');
  log('|---|---:|---:|---:|---:|---|---|');
  for (const flow of SHARED) {
    const ours = find(flow.ours);
    const theirsDefault = defaults.phases.find((p) => p.phase === flow.theirs);
    const theirs = wal.phases.find((p) => p.phase === flow.theirs);
    if (!ours || !theirs) continue;
    const ratio = ours.perSecond / theirs.perSecond;
    log(
      `| ${flow.label} | ${ours.perSecond.toFixed(0)} | ${theirsDefault?.perSecond.toFixed(0) ?? '—'} | ${theirs.perSecond.toFixed(0)} | ${ratio.toFixed(1)}× | ≥ ${flow.target}× | ${verdict(ratio >= flow.target)} |`,
    );
  }
  const session = find('c');
  if (session && hello) {
    const share = session.perSecond / hello;
    log(
      `| session check vs the bare node:http ceiling | ${(share * 100).toFixed(1)} % of ${hello.toFixed(0)}/s | | | | ≥ 40 % | ${verdict(share >= 0.4)} |`,
    );
  }
  const storm = find('d');
  log(
    `| session check p99 during a sign-in storm | ${storm ? `${storm.p99Ms.toFixed(1)} ms` : '—'} | | | | < 10 ms | ${verdict(storm ? storm.p99Ms < 10 : null)} |`,
  );
  const peak = Math.max(
    ...own.filter((r) => r.peakMb !== null && r.phase !== 'hello' && r.phase !== 'i-bare').map((r) => r.peakMb!),
  );
  log(
    `| peak server RSS (VmHWM) | ${Number.isFinite(peak) ? `${peak.toFixed(0)} MB` : '—'} | ${defaults.memory.peakRssMb.toFixed(0)} MB | ${wal.memory.peakRssMb.toFixed(0)} MB | | < 150 MB | ${verdict(Number.isFinite(peak) ? peak < 150 : null)} |`,
  );
  for (const [phase, label] of [
    ['c', 'PostgreSQL vs SQLite, session check'],
    ['a', 'PostgreSQL vs SQLite, TOTP verify'],
  ] as const) {
    const sqlite = find(phase);
    const pg = find(phase, 'PostgreSQL');
    const slower = sqlite && pg ? sqlite.perSecond / pg.perSecond : null;
    log(
      `| ${label} | ${slower === null ? '—' : `${slower.toFixed(2)}× slower`} | | | | ≤ 2× | ${verdict(slower === null ? null : slower <= 2)} |`,
    );
  }
  const oidc = find('i');
  const bare = find('i-bare', 'memory');
  const oidcShare = oidc && bare ? oidc.perSecond / bare.perSecond : null;
  log(
    `| OIDC silent SSO vs oidc-provider alone | ${oidc && bare ? `${oidc.perSecond.toFixed(0)} vs ${bare.perSecond.toFixed(0)}/s = ${(oidcShare! * 100).toFixed(0)} %` : '—'} | | | | ≥ 50 % | ${verdict(oidcShare === null ? null : oidcShare >= 0.5)} |`,
  );
}
