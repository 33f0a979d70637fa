/**
 * The peer benchmark: better-auth (emailAndPassword + twoFactor plugin, default settings, rate limiter
 * off, SQLite through better-sqlite3) measured with twofold's own loader (bench/loader.ts) and the same
 * concurrency, so that its figures sit beside twofold's bench/run.ts figures.
 *
 *   seed        N users through better-auth's own API: sign-up, /two-factor/enable (password) → totpURI,
 *               /two-factor/verify-totp with the current code (computed by twofold's src/core/otp.ts);
 *   c. session  GET /api/auth/get-session with a pool of live session cookies (concurrency 32);
 *   b. full     POST /api/auth/sign-in/email (→ twoFactorRedirect + two-factor cookie), then
 *               POST /api/auth/two-factor/verify-totp with the current code: complete sign-ins per second;
 *   a. verify   the TOTP step alone: pending two-factor cookies made first by password steps (untimed),
 *               then only the verify-totp requests are timed, each with its own one-use cookie;
 *   replay      one probe: the same code for the same user on two fresh challenges in the same 30 s step;
 *   and the server's RSS (VmRSS, peak VmHWM) from /proc/<pid>/status after each phase.
 *
 * Run from the repository root: `node --import tsx bench/peer/run-peer.ts [--quick] [--wal] [--no-wait]
 * [--json=FILE]` (default JSON: bench/peer/RESULTS-peer.json, or RESULTS-peer-wal.json with --wal).
 * By default the SQLite file is opened as better-auth documents it, `new Database(file)` with
 * better-sqlite3's defaults (rollback journal, synchronous=FULL); --wal sets the pragmas twofold's own
 * connection uses (journal_mode=WAL, synchronous=NORMAL), for a like-for-like storage setting. Load goes to 127.0.0.1 only; every phase is bounded in
 * time and in requests, and a watchdog ends the run (and the server) past PLAN.hardLimitSeconds.
 *
 * better-auth hashes passwords with scrypt (N=16384, r=16): a few milliseconds of memory-hard work per
 * password check, so the password-bound phases are sized in the tens to hundreds of iterations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { base32Decode } from '../../src/core/base32.ts';
import { TOTP_DEFAULTS, totp } from '../../src/core/otp.ts';
import { busyCoresSince, cpuSecondsOf, machineTicks, memoryOf, CORES, type Memory } from '../machine.ts';
import { cookieFrom, formatResult, runLoad, send, type Iteration, type LoadResult, type Target } from '../loader.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean' }, json: { type: 'string' }, 'no-wait': { type: 'boolean' }, wal: { type: 'boolean' } },
  strict: true,
});
const quick = flags.quick === true;
/** --wal: the SQLite pragmas twofold itself uses (WAL, synchronous=NORMAL) instead of the library defaults. */
const wal = flags.wal === true;

const PLAN = {
  /** Concurrency of the measured phases: the same as twofold's bench. */
  concurrency: 32,
  /** Concurrency of the untimed set-up work (seeding, pending challenges). */
  setupConcurrency: 8,
  warmupSeconds: quick ? 0.5 : 1,
  sessionSeconds: quick ? 3 : 6,
  signInSeconds: quick ? 5 : 12,
  verifySeconds: quick ? 3 : 6,
  /** Users seeded through the API; they form the session pool and sign in round-robin afterwards. */
  users: quick ? 32 : 64,
  /** Pending two-factor challenges for the verify-alone phase, and the most time spent making them. */
  pendingChallenges: quick ? 300 : 1_500,
  pendingSeconds: quick ? 20 : 60,
  /** Before each phase, wait up to this long for other processes to go quiet; at most this much in all. */
  quietWaitSeconds: flags['no-wait'] ? 0 : 10,
  quietBudgetSeconds: flags['no-wait'] ? 0 : 30,
  /** A phase with reusable fixtures (c, b) measured while others used the machine is measured again, up to this many in all. */
  attempts: flags['no-wait'] ? 1 : 2,
  hardLimitSeconds: quick ? 120 : 240,
};

const PASSWORD = 'bench-password-correct-horse-7';
/** Above this many cores used by other processes, a phase is marked as measured on a busy machine. */
const BUSY_MACHINE_CORES = 0.25;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ——— the server child ——————————————————————————————————————————————————————————————————————————————————

let serverChild: ChildProcess | null = null;
let dataDir: string | null = null;

function cleanup(): void {
  if (serverChild && serverChild.exitCode === null && serverChild.signalCode === null) serverChild.kill('SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  process.stderr.write(`peer bench: over ${PLAN.hardLimitSeconds} s, stopping\n`);
  cleanup();
  process.exit(2);
}, PLAN.hardLimitSeconds * 1000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface PeerServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly origin: string;
  readonly stderrText: () => string;
}

async function startServer(): Promise<PeerServer> {
  const port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-bench-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(),
    PORT: String(port), DATA_DIR: dataDir, BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    NODE_ENV: 'production', BETTER_AUTH_TELEMETRY: '0', ...(wal ? { SQLITE_WAL: '1' } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'better-auth-server.ts')], {
    cwd: HERE, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  serverChild = child;
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`better-auth server did not start in 30 s: ${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready ')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`better-auth server exited (${code}): ${stderr}`)); });
  });
  return { child, port, origin: `http://127.0.0.1:${port}`, stderrText: () => stderr };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ——— CPU and memory accounting (from /proc) ————————————————————————————————————————————————————————————







interface CpuUse { readonly server: number; readonly loader: number; readonly others: number }

let quietBudgetLeft = PLAN.quietBudgetSeconds;

/** Waits (bounded) until other processes use under BUSY_MACHINE_CORES; our own processes are idle then. */
async function waitForQuiet(): Promise<void> {
  const seconds = Math.min(PLAN.quietWaitSeconds, quietBudgetLeft);
  if (seconds <= 0) return;
  const deadline = Date.now() + seconds * 1000;
  let waited = false;
  for (;;) {
    const start = machineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = busyCoresSince(start);
    quietBudgetLeft = Math.max(0, quietBudgetLeft - 1);
    if (busy < BUSY_MACHINE_CORES) return;
    if (Date.now() > deadline || quietBudgetLeft <= 0) {
      log(`  (machine still busy: ${busy.toFixed(2)} cores used by other processes; measuring anyway)`);
      return;
    }
    if (!waited) log(`  (waiting for other processes to go quiet: ${busy.toFixed(2)} cores busy)`);
    waited = true;
  }
}

async function withCpu<T>(pid: number | undefined, work: () => Promise<T>): Promise<[T, CpuUse]> {
  await waitForQuiet();
  const server0 = cpuSecondsOf(pid);
  const loader0 = process.cpuUsage();
  const machine0 = machineTicks();
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const busy = busyCoresSince(machine0);
  const loaderUse = process.cpuUsage(loader0);
  const server = (cpuSecondsOf(pid) - server0) / seconds;
  const loader = (loaderUse.user + loaderUse.system) / 1e6 / seconds;
  return [result, { server, loader, others: Math.max(0, busy - server - loader) }];
}

/** withCpu, measured again (fresh `work`) while other processes disturbed it and attempts remain. */
async function cleanly<T>(pid: number | undefined, work: () => Promise<T>): Promise<[T, CpuUse]> {
  for (let attempt = 1; ; attempt++) {
    const [result, cpu] = await withCpu(pid, work);
    if (cpu.others <= BUSY_MACHINE_CORES || attempt >= PLAN.attempts) return [result, cpu];
    log(`  (other processes used ${cpu.others.toFixed(2)} cores meanwhile: measuring again)`);
  }
}

// ——— better-auth requests ——————————————————————————————————————————————————————————————————————————————

const SESSION_COOKIE = 'better-auth.session_token';
const TWO_FACTOR_COOKIE = 'better-auth.two_factor';

interface User {
  readonly email: string;
  readonly secret: Uint8Array;
  /** The session cookie value from the enrolment's verify-totp (the session pool). */
  session: string;
}

function codeNow(secret: Uint8Array): string {
  return totp(secret, Math.floor(Date.now() / 1000), TOTP_DEFAULTS);
}

function post(origin: string, pathname: string, body: unknown, cookie?: string): Parameters<typeof send>[1] {
  return {
    method: 'POST',
    path: pathname,
    headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  };
}

/** The TOTP secret (bytes) in an otpauth:// URI, per the Key Uri Format's `secret` parameter (base32). */
function secretOf(totpURI: string): Uint8Array {
  const secret = new URL(totpURI).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${totpURI}`);
  return base32Decode(secret);
}

/** Sign-up, enable 2FA with the password, confirm it with the first code. Outcome "ok" or where it failed. */
async function enrol(server: PeerServer, target: Target, index: number, users: User[]): Promise<string> {
  const email = `peer-${index}-${randomBytes(4).toString('hex')}@bench.example`;
  const signUp = await send(target, post(server.origin, '/api/auth/sign-up/email', { email, password: PASSWORD, name: `Bench ${index}` }));
  const session0 = cookieFrom(signUp, SESSION_COOKIE);
  if (signUp.status !== 200 || !session0) return `sign-up:${signUp.status}`;
  const enable = await send(target, post(server.origin, '/api/auth/two-factor/enable', { password: PASSWORD }, `${SESSION_COOKIE}=${session0}`), true);
  if (enable.status !== 200) return `enable:${enable.status}`;
  const secret = secretOf((JSON.parse(enable.body) as { totpURI: string }).totpURI);
  const verify = await send(target, post(server.origin, '/api/auth/two-factor/verify-totp', { code: codeNow(secret) }, `${SESSION_COOKIE}=${session0}`));
  // Enabling replaces the session: the new cookie is the one that stays valid.
  const session = cookieFrom(verify, SESSION_COOKIE);
  if (verify.status !== 200 || !session) return `verify:${verify.status}`;
  users.push({ email, secret, session });
  return 'ok';
}

/** The password step: the pending two-factor cookie value, or the outcome that stopped it. */
async function passwordStep(server: PeerServer, target: Target, user: User): Promise<{ outcome: string; pending: string | null }> {
  const response = await send(target, post(server.origin, '/api/auth/sign-in/email', { email: user.email, password: PASSWORD }), true);
  const pending = cookieFrom(response, TWO_FACTOR_COOKIE);
  if (response.status !== 200) return { outcome: `sign-in:${response.status}`, pending: null };
  if (!pending || !response.body.includes('"twoFactorRedirect":true')) return { outcome: 'sign-in:no-2fa-redirect', pending: null };
  return { outcome: 'ok', pending };
}

async function verifyStep(server: PeerServer, target: Target, user: User, pending: string): Promise<{ status: number; session: string | null }> {
  const response = await send(target, post(server.origin, '/api/auth/two-factor/verify-totp', { code: codeNow(user.secret) }, `${TWO_FACTOR_COOKIE}=${pending}`));
  return { status: response.status, session: cookieFrom(response, SESSION_COOKIE) };
}

/** Every pool session resolves to its user (get-session answers 200 with `null` for an unknown cookie). */
async function checkSessions(server: PeerServer, users: readonly User[]): Promise<number> {
  const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 8 });
  const target: Target = { host: '127.0.0.1', port: server.port, agent };
  let live = 0;
  for (const user of users) {
    const response = await send(target, { method: 'GET', path: '/api/auth/get-session', headers: { origin: server.origin, cookie: `${SESSION_COOKIE}=${user.session}` } }, true);
    if (response.status === 200 && response.body.includes(`"email":"${user.email}"`)) live += 1;
  }
  agent.destroy();
  return live;
}

// ——— phases ——————————————————————————————————————————————————————————————————————————————————————————

interface Row {
  readonly phase: string;
  readonly result: LoadResult;
  readonly memory: Memory;
  readonly cpu: CpuUse | null;
}

const rows: Row[] = [];

function record(phase: string, result: LoadResult, memory: Memory, cpu: CpuUse | null): void {
  rows.push({ phase, result, memory, cpu });
  log(`  ${formatResult(result)}  rss ${memory.rssMb.toFixed(0)} MB (peak ${memory.peakMb.toFixed(0)})` +
    `${cpu ? `  cpu server ${cpu.server.toFixed(2)} loader ${cpu.loader.toFixed(2)} others ${cpu.others.toFixed(2)}${cpu.others > BUSY_MACHINE_CORES ? ' (BUSY MACHINE)' : ''}` : ''}`);
}

async function seed(server: PeerServer): Promise<User[]> {
  const users: User[] = [];
  const [result, cpu] = await withCpu(server.child.pid, () => runLoad(
    { label: 'seed (sign-up + enable + verify)', port: server.port, concurrency: PLAN.setupConcurrency, durationSeconds: 90, maxIterations: PLAN.users, expected: ['ok'] },
    (target, index) => enrol(server, target, index, users),
  ));
  record('seed', result, memoryOf(server.child.pid), cpu);
  if (users.length !== PLAN.users) throw new Error(`seeding: ${formatResult(result)}\n${server.stderrText()}`);
  return users;
}

async function measureSessions(server: PeerServer, users: readonly User[]): Promise<void> {
  const iteration: Iteration = async (target, index) => String((await send(target, {
    method: 'GET', path: '/api/auth/get-session',
    headers: { origin: server.origin, cookie: `${SESSION_COOKIE}=${users[index % users.length]!.session}` },
  })).status);
  const base = { port: server.port, concurrency: PLAN.concurrency, maxIterations: 2_000_000, expected: ['200'] };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: PLAN.warmupSeconds }, iteration);
  const [result, cpu] = await cleanly(server.child.pid, () => runLoad({ ...base, label: 'c. session check (SQLite)', durationSeconds: PLAN.sessionSeconds }, iteration));
  record('c', result, memoryOf(server.child.pid), cpu);
}

/** Password step then TOTP step; users sign in round-robin (better-auth keeps no used-code record). */
function fullSignIn(server: PeerServer, users: readonly User[]): Iteration {
  return async (target, index) => {
    const user = users[index % users.length]!;
    const first = await passwordStep(server, target, user);
    if (!first.pending) return first.outcome;
    const second = await verifyStep(server, target, user, first.pending);
    return second.status === 200 && second.session ? 'ok' : `verify:${second.status}`;
  };
}

async function measureFullSignIn(server: PeerServer, users: readonly User[]): Promise<void> {
  const base = { port: server.port, concurrency: PLAN.concurrency, maxIterations: 100_000, expected: ['ok'] };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: PLAN.warmupSeconds }, fullSignIn(server, users));
  const [result, cpu] = await cleanly(server.child.pid, () => runLoad({ ...base, label: 'b. full sign-in (password + TOTP)', durationSeconds: PLAN.signInSeconds }, fullSignIn(server, users)));
  record('b', result, memoryOf(server.child.pid), cpu);
}

async function measureVerifyAlone(server: PeerServer, users: readonly User[]): Promise<void> {
  const pending: { user: User; cookie: string }[] = [];
  const prep = await runLoad(
    { label: 'pending challenges (password step)', port: server.port, concurrency: PLAN.setupConcurrency, durationSeconds: PLAN.pendingSeconds, maxIterations: PLAN.pendingChallenges, expected: ['ok'] },
    async (target, index) => {
      const user = users[index % users.length]!;
      const step = await passwordStep(server, target, user);
      if (step.pending) pending.push({ user, cookie: step.pending });
      return step.outcome;
    },
  );
  log(`  ${formatResult(prep)}`);
  let next = 0;
  const verify: Iteration = async (target) => {
    const challenge = pending[next++]!;
    const { status, session } = await verifyStep(server, target, challenge.user, challenge.cookie);
    return status === 200 && !session ? 'no-session' : String(status);
  };
  const [result, cpu] = await withCpu(server.child.pid, () => runLoad({
    label: 'a. TOTP verify step (SQLite)', port: server.port, concurrency: PLAN.concurrency,
    durationSeconds: PLAN.verifySeconds, maxIterations: pending.length, expected: ['200'],
  }, verify));
  record('a', result, memoryOf(server.child.pid), cpu);
}

/**
 * The same code, same user, two fresh challenges, within one 30 s step (waiting past a step boundary
 * first if it is near): whether the second verify is accepted tells if a used code is remembered.
 */
async function replayProbe(server: PeerServer, user: User): Promise<{ first: number; second: number; replayAccepted: boolean }> {
  const secondsIntoStep = (Date.now() / 1000) % TOTP_DEFAULTS.periodSeconds;
  if (secondsIntoStep > TOTP_DEFAULTS.periodSeconds - 5) await new Promise((r) => setTimeout(r, (TOTP_DEFAULTS.periodSeconds - secondsIntoStep + 0.5) * 1000));
  const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 2 });
  const target: Target = { host: '127.0.0.1', port: server.port, agent };
  const code = codeNow(user.secret);
  const statuses: number[] = [];
  for (let i = 0; i < 2; i++) {
    const step = await passwordStep(server, target, user);
    if (!step.pending) throw new Error(`replay probe: ${step.outcome}`);
    const response = await send(target, post(server.origin, '/api/auth/two-factor/verify-totp', { code }, `${TWO_FACTOR_COOKIE}=${step.pending}`));
    statuses.push(response.status);
  }
  agent.destroy();
  return { first: statuses[0]!, second: statuses[1]!, replayAccepted: statuses[0] === 200 && statuses[1] === 200 };
}

// ——— the run ———————————————————————————————————————————————————————————————————————————————————————————

function versions(): Record<string, string> {
  const requireHere = createRequire(path.join(HERE, 'package.json'));
  const versionOf = (pkg: string, from = requireHere): string => {
    try {
      // Walk up from the package's entry point to its own package.json.
      let dir = path.dirname(from.resolve(pkg));
      while (!fs.existsSync(path.join(dir, 'package.json')) || (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) {
        const parent = path.dirname(dir);
        if (parent === dir) return 'unknown';
        dir = parent;
      }
      return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  const requireFromBetterAuth = createRequire(path.join(HERE, 'node_modules/better-auth/package.json'));
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return {
    'better-auth': versionOf('better-auth'),
    'better-sqlite3': versionOf('better-sqlite3'),
    kysely: versionOf('kysely', requireFromBetterAuth),
    node: process.version,
    cpu: `${cpu} × ${CORES}`,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const info = versions();
  log(`better-auth ${info['better-auth']} (twoFactor plugin, defaults; rate limiter off) on SQLite (better-sqlite3 ${info['better-sqlite3']}${wal ? ', WAL + synchronous=NORMAL' : ', library defaults'}), node ${info.node}, ${info.cpu}`);
  const server = await startServer();
  const bootMemory = memoryOf(server.child.pid);
  log(`server pid ${server.child.pid} on ${server.origin}, rss after start ${bootMemory.rssMb.toFixed(0)} MB`);

  log(`seeding ${PLAN.users} users through the API…`);
  const users = await seed(server);

  log('c. session check…');
  await measureSessions(server, users);
  const live = await checkSessions(server, users);
  if (live !== users.length) throw new Error(`only ${live} of ${users.length} pool sessions resolve to their user after phase c`);

  log('b. full sign-in…');
  await measureFullSignIn(server, users);

  log('a. TOTP verify step alone…');
  await measureVerifyAlone(server, users);

  log('replay probe…');
  const replay = await replayProbe(server, users[0]!);
  log(`  same code on two challenges: ${replay.first} then ${replay.second} (${replay.replayAccepted ? 'accepted twice: no used-code record' : 'second refused'})`);

  const finalMemory = memoryOf(server.child.pid);
  await stopServer(server.child);
  cleanup();
  clearTimeout(watchdog);

  const seconds = (performance.now() - started) / 1000;
  const summary = {
    peer: 'better-auth',
    sqlite: wal ? 'wal' : 'default',
    config: {
      plugins: ['twoFactor()'], emailAndPassword: true, rateLimit: false,
      database: wal ? 'SQLite file (better-sqlite3), journal_mode=WAL, synchronous=NORMAL' : 'SQLite file (better-sqlite3), library defaults (rollback journal, synchronous=FULL)',
      passwordHash: 'scrypt N=16384 r=16 p=1 (better-auth default, node:crypto)', http: 'node:http + toNodeHandler',
    },
    versions: info,
    plan: PLAN,
    date: new Date().toISOString(),
    runSeconds: Number(seconds.toFixed(1)),
    memory: { afterStartMb: Number(bootMemory.rssMb.toFixed(1)), finalRssMb: Number(finalMemory.rssMb.toFixed(1)), peakRssMb: Number(finalMemory.peakMb.toFixed(1)) },
    replayProbe: replay,
    phases: rows.map(({ phase, result, memory, cpu }) => ({
      phase, label: result.label, concurrency: result.concurrency, iterations: result.iterations,
      seconds: Number(result.seconds.toFixed(2)), perSecond: Number(result.perSecond.toFixed(1)),
      p50Ms: Number(result.p50Ms.toFixed(2)), p99Ms: Number(result.p99Ms.toFixed(2)), maxMs: Number(result.maxMs.toFixed(1)),
      errors: result.errors, outcomes: result.outcomes, exhausted: result.exhausted,
      rssMb: Number(memory.rssMb.toFixed(1)), peakRssMb: Number(memory.peakMb.toFixed(1)),
      cpuCores: cpu ? { server: Number(cpu.server.toFixed(2)), loader: Number(cpu.loader.toFixed(2)), others: Number(cpu.others.toFixed(2)) } : null,
      busyMachine: cpu ? cpu.others > BUSY_MACHINE_CORES : null,
    })),
  };
  const jsonFile = flags.json ?? path.join(HERE, wal ? 'RESULTS-peer-wal.json' : 'RESULTS-peer.json');
  fs.writeFileSync(jsonFile, `${JSON.stringify(summary, null, 2)}\n`);

  log('');
  log(JSON.stringify(summary));
  log('');
  log(`| phase | c | req/s | p50 ms | p99 ms | n | errors | outcomes | RSS MB (peak) | CPU server / loader / others |`);
  log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const { result: r, memory, cpu } of rows) {
    const outcomes = Object.entries(r.outcomes).map(([k, v]) => `${k}×${v}`).join(' ');
    log(`| ${r.label}${r.exhausted ? ' (fixtures exhausted)' : ''} | ${r.concurrency} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.iterations} | ${r.errors} | ${outcomes} | ${memory.rssMb.toFixed(0)} (${memory.peakMb.toFixed(0)}) | ` +
      `${cpu ? `${cpu.server.toFixed(2)} / ${cpu.loader.toFixed(2)} / ${cpu.others.toFixed(2)}${cpu.others > BUSY_MACHINE_CORES ? ' (busy machine)' : ''}` : '—'} |`);
  }
  log('');
  log(`replay probe: ${replay.replayAccepted ? 'the same TOTP code was accepted on two challenges in one step' : 'a reused TOTP code was refused'}; wrote ${path.relative(ROOT, jsonFile)} in ${seconds.toFixed(0)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`peer bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  cleanup();
  process.exit(1);
});
