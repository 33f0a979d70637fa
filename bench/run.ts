/**
 * The twofold benchmark, in one run (`npm run bench`):
 *
 *   0. the machine's ceiling: a bare node:http "hello" server (bench/hello-server.ts), same loader;
 *   then twofold on a fresh SQLite database seeded by bench/seed.ts, as a child process:
 *   c. session check       GET /api/v1/session with a pool of live session cookies;
 *   a. TOTP verify step    POST /api/v1/sign-in/verify, each request with its own pending challenge and
 *                          the current code of that challenge's user (each user signs in once);
 *   b. full sign-in        POST /api/v1/sign-in then /api/v1/sign-in/verify (argon2id + TOTP);
 *   d. session check while a sign-in storm runs (two loaders at once), against a quiet baseline;
 *   e. GET /healthz: the app's hooks and headers without a database query (the framework's share);
 *   f. passkey verify step (options + signed assertion) and g. backup-code verify step, beside a
 *      (bench/phases-factors.ts, users seeded by bench/seed-factors.ts);
 *   i. OpenID Connect silent single sign-on (bench/phases-oidc.ts, app registered by bench/seed-oidc.ts):
 *      a user signed in with two factors (a session of the pool) who has allowed the app: GET /oidc/auth
 *      with PKCE, the 303s through /authorize/:uid and back, then POST /oidc/token (client_secret_basic);
 *      the token request alone is reported too (i-token);
 *   h. growth: the TOTP verify step at 1 k, 100 k (and 1 M) users imported through importMembers;
 *   and the server's RSS after each phase. Then c and a again on PostgreSQL (a fresh schema, dropped),
 *   and f, g, i there too when they are selected.
 *
 * Load goes to 127.0.0.1 only; every phase is bounded in time and in requests.
 *
 * Flags: --quick (short phases, ~1 min), --no-pg, --only=hello,e,c,a,f,g,i,b,d,h,pg (`oidc` is another
 * name for i; the PostgreSQL part runs only when `pg` is listed: --only=i,pg measures i on both databases),
 * --growth=1000,100000[,1000000] (sizes of phase h), --profile (CPU profiles of
 * the twofold server children, SQLite and PostgreSQL, top frames printed), --json=FILE (write the figures as JSON), --no-wait (do
 * not wait for other processes on the machine to go quiet before each phase), --server-entry=FILE.js (run
 * another built JavaScript entry point than dist/cli.js, which the run builds first), --server-env=NAME=VALUE (repeatable:
 * extra environment for the twofold server, e.g. UV_THREADPOOL_SIZE).
 *
 * Each phase reports the CPU used by the server, by the loader (this process) and by every other
 * process on the machine: a phase measured while other processes used more than a quarter of a core is
 * marked BUSY MACHINE, and its figures understate twofold.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TOTP_DEFAULTS, totp } from '../src/core/otp.ts';
import { busyCoresSince, cpuSecondsOf, machineTicks, memoryOf, type Memory } from './machine.ts';
import { cookieFrom, formatResult, runLoad, send, type Iteration, type LoadResult, type Target } from './loader.ts';
import type { Fixture } from './seed.ts';
import { printTopFrames } from './profile-top.ts';
import { measureBackupCodes, measureGrowth, measurePasskey, type Harness } from './phases-factors.ts';
import type { FactorsFixture } from './seed-factors.ts';
import { measureOidc, type OidcPhase } from './phases-oidc.ts';

/** Phase i-bare: the same flow against oidc-provider alone. */
const BARE_OIDC: OidcPhase = {
  phase: 'i-bare',
  label: 'i-bare. oidc-provider alone, same flow (ceiling)',
  consentRound: false,
  acr: null,
};
import type { OidcFixture } from './seed-oidc.ts';
import { runPeerAndCompare } from './peer-compare.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PG_BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    'no-pg': { type: 'boolean' },
    only: { type: 'string' },
    profile: { type: 'boolean' },
    json: { type: 'string' },
    'no-wait': { type: 'boolean' },
    'server-entry': { type: 'string' },
    'server-env': { type: 'string', multiple: true },
    growth: { type: 'string' },
    peer: { type: 'boolean' },
  },
  strict: true,
});
const quick = flags.quick === true;
const only = flags.only ? new Set(flags.only.split(',').map((phase) => (phase === 'oidc' ? 'i' : phase))) : null;
const wants = (phase: string): boolean => only === null || only.has(phase);

/** Durations (s) and sizes. Concurrency 32 for throughput phases. */
const PLAN = {
  concurrency: 32,
  warmupSeconds: quick ? 0.5 : 1,
  helloSeconds: quick ? 3 : 6,
  sessionSeconds: quick ? 3 : 6,
  floorSeconds: quick ? 2 : 4,
  verifySeconds: quick ? 3 : 6,
  signInSeconds: quick ? 4 : 8,
  stormSeconds: quick ? 4 : 8,
  quietSeconds: quick ? 2 : 4,
  /** Concurrency of the session-check loader in phase d (a steady stream of app-server callers). */
  stormSessionConcurrency: 8,
  /** Users who get a session through the API for the session-check pool. */
  poolUsers: 64,
  /** One-use pending challenges for the verify phase (each user signs in once). */
  verifyChallenges: quick ? 12_000 : 25_000,
  verifyChallengesPg: quick ? 6_000 : 12_000,
  /** Users for the full sign-in phases (argon2id bounds these to a few hundred per second). */
  signInUsers: quick ? 1_500 : 4_500,
  stormUsers: quick ? 1_500 : 4_500,
  /** Passkey (f) and backup-code (g) users, each with one pending challenge. */
  passkeyUsers: quick ? 3_000 : 6_000,
  backupUsers: quick ? 5_000 : 10_000,
  factorUsersPg: quick ? 2_000 : 4_000,
  /** Growth (h): enrolled users per step (--growth=1000,100000,1000000), challenges per step, of which warm-up. */
  // 1 M is opt-in (--growth=1000,100000,1000000): its import alone takes about 3 min on 2 cores.
  growthSizes: (flags.growth ?? '1000,100000').split(',').map(Number),
  growthChallenges: 1_000,
  growthWarmup: 600,
  growthConcurrency: 8,
  /** Before each phase, wait up to this long for other processes on the machine to go quiet (0: don't). */
  quietWaitSeconds: flags['no-wait'] ? 0 : quick ? 15 : 40,
  /** Measurements of a phase disturbed by other processes are repeated, up to this many in all. */
  attempts: flags['no-wait'] ? 1 : 3,
  /** All the waiting for quiet in one run, at most: past it, phases are measured as they come (and marked). */
  quietBudgetSeconds: quick ? 30 : 120,
  /** The whole run is killed past this, whatever happens. */
  hardLimitSeconds: 10 * 60,
};

const children = new Set<ChildProcess>();
/** The PostgreSQL schema this run created, dropped at the end (or by the watchdog). */
let activeSchema: string | null = null;
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: over ${PLAN.hardLimitSeconds} s, stopping\n`);
  for (const child of children) child.kill('SIGKILL');
  if (activeSchema) {
    const script = `import pg from 'pg'; const c = new pg.Client({ connectionString: process.env.URL }); await c.connect(); await c.query('drop schema if exists ${activeSchema} cascade'); await c.end();`;
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        env: { ...process.env, URL: PG_BASE_URL },
        timeout: 10_000,
        stdio: 'ignore',
      });
    } catch {
      process.stderr.write(`bench: could not drop schema ${activeSchema}\n`);
    }
  }
  process.exit(2);
}, PLAN.hardLimitSeconds * 1000);

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

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

function spawnNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
): ChildProcess & { stderrText: () => string } {
  return spawnPlain([...nodeFlags, '--import', 'tsx', ...args], env);
}

function spawnPlain(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  return Object.assign(child, { stderrText: () => stderr });
}

/**
 * The node flags and environment of `npm start` (package.json), so the measured server runs as it is
 * started in production: e.g. `MALLOC_ARENA_MAX=2 node --enable-source-maps --max-semi-space-size=2 …`.
 */
function startCommand(): { nodeFlags: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split('=', 2) as [string, string]));
  const nodeFlags = words.slice(node + 1).filter((w) => w.startsWith('--'));
  return { nodeFlags, env };
}

/** Polls until `check` passes (or the child died, or the time ran out). */
async function waitUntil(
  what: string,
  child: ChildProcess & { stderrText: () => string },
  check: () => Promise<boolean>,
  seconds = 30,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${child.stderrText()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start in ${seconds} s: ${child.stderrText()}`);
}

async function stopChild(child: ChildProcess, seconds = 15): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
  await exited;
  clearTimeout(timer);
}

async function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawnNode(args, env);
  let stdout = '';
  child.stdout?.removeAllListeners('data');
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}): ${child.stderrText()}`);
  return stdout.trim();
}

/** CPU seconds used so far by the PostgreSQL server processes (the database's share of a phase). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuSecondsOf(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

interface CpuUse {
  /** Cores used by the server child, by this process (the loader), by PostgreSQL, and by every other process. */
  readonly server: number;
  readonly loader: number;
  readonly database: number;
  readonly others: number;
}

/** Runs `work` and reports the CPU the server child, this (loader) process and the rest of the machine used. */
async function withCpu<T>(pid: number | undefined, work: () => Promise<T>): Promise<[T, CpuUse]> {
  const server0 = cpuSecondsOf(pid);
  const loader0 = process.cpuUsage();
  const postgres0 = postgresCpuSeconds();
  const machine0 = machineTicks();
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const busy = busyCoresSince(machine0);
  const loaderUse = process.cpuUsage(loader0);
  const server = (cpuSecondsOf(pid) - server0) / seconds;
  const loader = (loaderUse.user + loaderUse.system) / 1e6 / seconds;
  const database = Math.max(0, (postgresCpuSeconds() - postgres0) / seconds);
  return [result, { server, loader, database, others: Math.max(0, busy - server - loader - database) }];
}

/**
 * Measures a phase on a quiet machine: waits for quiet first, and measures again (up to PLAN.attempts
 * times) when other processes took more than BUSY_MACHINE_CORES meanwhile. `work` must draw fresh
 * fixtures on each call.
 */
async function cleanly<T>(
  pid: number | undefined,
  work: () => Promise<T>,
  attempts = PLAN.attempts,
): Promise<[T, CpuUse]> {
  for (let attempt = 1; ; attempt++) {
    await waitForQuiet(PLAN.quietWaitSeconds);
    const [result, cpu] = await withCpu(pid, work);
    if (cpu.others <= BUSY_MACHINE_CORES || attempt >= attempts || quietBudgetLeft <= 0) return [result, cpu];
    log(`  (other processes used ${cpu.others.toFixed(2)} cores meanwhile: measuring again)`);
  }
}

/** Above this many cores used by other processes, a phase is marked as measured on a busy machine. */
const BUSY_MACHINE_CORES = 0.25;

/**
 * Waits (up to `seconds`) until the machine is quiet: other processes using under BUSY_MACHINE_CORES
 * over one second. Between phases our own processes are idle, so all the load seen is someone else's.
 */
let quietBudgetLeft = PLAN.quietBudgetSeconds;

async function waitForQuiet(seconds: number): Promise<void> {
  seconds = Math.min(seconds, quietBudgetLeft);
  if (seconds <= 0) return;
  const deadline = Date.now() + seconds * 1000;
  let waited = false;
  for (;;) {
    const start = machineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = busyCoresSince(start);
    quietBudgetLeft = Math.max(0, quietBudgetLeft - 1);
    if (busy < BUSY_MACHINE_CORES) break;
    if (Date.now() > deadline) {
      log(`  (machine still busy: ${busy.toFixed(2)} cores used by other processes; measuring anyway)`);
      return;
    }
    if (!waited) log(`  (waiting for other processes to go quiet: ${busy.toFixed(2)} cores busy)`);
    waited = true;
  }
  if (waited) log('  (quiet)');
}

function benchEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // A minimal environment: nothing from the caller's shell (SMTP_URL, REDIS_URL…) leaks into the server.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), ...extra };
}

// ——— request builders ———————————————————————————————————————————————————————————————————————————————

/** Each simulated user arrives from its own address, through a trusted reverse proxy on 127.0.0.1. */
function clientIp(user: number): string {
  return `10.${(user >> 16) & 255}.${(user >> 8) & 255}.${user & 255}`;
}

function codeNow(secret: Uint8Array): string {
  return totp(secret, Math.floor(Date.now() / 1000), TOTP_DEFAULTS);
}

interface TwofoldTarget {
  readonly port: number;
  readonly origin: string;
  readonly fixture: Fixture;
  readonly secrets: Uint8Array[];
}

async function verifyStep(
  t: TwofoldTarget,
  target: Target,
  user: number,
  challengeToken: string,
  deviceId: string | null,
): Promise<{ status: number; session: string | null }> {
  const cookie = `tf_challenge=${challengeToken}${deviceId ? `; tf_device=${deviceId}` : ''}`;
  const response = await send(target, {
    method: 'POST',
    path: '/api/v1/sign-in/verify',
    headers: { 'content-type': 'application/json', origin: t.origin, cookie, 'x-forwarded-for': clientIp(user) },
    body: JSON.stringify({ method: 'totp', code: codeNow(t.secrets[user]!) }),
  });
  return { status: response.status, session: cookieFrom(response, 'tf_session') };
}

/** The whole sign-in of one user: password step, then the TOTP step. Outcome "ok" or where it failed. */
async function fullSignIn(
  t: TwofoldTarget,
  target: Target,
  user: number,
): Promise<{ outcome: string; session: string | null }> {
  const first = await send(target, {
    method: 'POST',
    path: '/api/v1/sign-in',
    headers: { 'content-type': 'application/json', origin: t.origin, 'x-forwarded-for': clientIp(user) },
    body: JSON.stringify({ email: t.fixture.users[user]!.email, password: t.fixture.password }),
  });
  const challenge = cookieFrom(first, 'tf_challenge');
  if (first.status !== 200 || !challenge) return { outcome: `sign-in:${first.status}`, session: null };
  const second = await verifyStep(t, target, user, challenge, cookieFrom(first, 'tf_device'));
  return second.status === 200
    ? { outcome: 'ok', session: second.session }
    : { outcome: `verify:${second.status}`, session: null };
}

function sessionCheck(t: TwofoldTarget, sessions: readonly string[]): Iteration {
  return async (target, index) => {
    const response = await send(target, {
      method: 'GET',
      path: '/api/v1/session',
      headers: {
        origin: t.origin,
        cookie: `tf_session=${sessions[index % sessions.length]}`,
        'x-forwarded-for': clientIp(index % sessions.length),
      },
    });
    return String(response.status);
  };
}

// ——— phases ——————————————————————————————————————————————————————————————————————————————————————————————

interface Row {
  readonly phase: string;
  readonly database: string;
  readonly result: LoadResult;
  readonly memory: Memory | null;
  readonly cpu: CpuUse | null;
}

const rows: Row[] = [];

function record(phase: string, database: string, result: LoadResult, memory: Memory | null, cpu: CpuUse | null): void {
  rows.push({ phase, database, result, memory, cpu });
  log(
    `  ${formatResult(result)}${memory ? `  rss ${memory.rssMb.toFixed(0)} MB (peak ${memory.peakMb.toFixed(0)})` : ''}` +
      `${cpu ? `  cpu server ${cpu.server.toFixed(2)} loader ${cpu.loader.toFixed(2)} postgres ${cpu.database.toFixed(2)} others ${cpu.others.toFixed(2)}${cpu.others > BUSY_MACHINE_CORES ? ' (BUSY MACHINE)' : ''}` : ''}`,
  );
}

async function measureHello(): Promise<void> {
  const port = await freePort();
  const child = spawnNode(['bench/hello-server.ts'], benchEnv({ PORT: String(port) }));
  await waitUntil('hello server', child, async () => (await fetch(`http://127.0.0.1:${port}/`)).ok);
  const iteration: Iteration = async (target) => String((await send(target, { method: 'GET', path: '/' })).status);
  const base = { port, concurrency: PLAN.concurrency, maxIterations: 2_000_000, expected: ['200'] };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: PLAN.warmupSeconds }, iteration);
  const [result, cpu] = await cleanly(child.pid, () =>
    runLoad({ ...base, label: 'bare node:http hello (ceiling)', durationSeconds: PLAN.helloSeconds }, iteration),
  );
  record('hello', '—', result, memoryOf(child.pid), cpu);
  await stopChild(child);
}

interface Server {
  readonly child: ChildProcess & { stderrText: () => string };
  readonly t: TwofoldTarget;
}

async function startTwofold(
  databaseUrl: string,
  fixture: Fixture,
  secretKey: string,
  dataDir: string,
  profileDir: string | null,
): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const extraEnv = Object.fromEntries(
    (flags['server-env'] ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const env = benchEnv({
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: origin,
    TWOFOLD_SECRET_KEY: secretKey,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    TRUST_PROXY: '127.0.0.1',
    ...extraEnv,
  });
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // As `npm start` runs it: the compiled build (dist/cli.js, built at the start of the run), no TypeScript loader.
  const entry = path.resolve(flags['server-entry'] ?? 'dist/cli.js');
  const start = startCommand();
  const child = spawnPlain([...start.nodeFlags, ...profiling, entry, 'serve'], { ...start.env, ...env });
  await waitUntil('twofold', child, async () => (await fetch(`${origin}/readyz`)).ok);
  const secrets = fixture.users.map((u) => new Uint8Array(Buffer.from(u.secret, 'base64url')));
  return { child, t: { port, origin, fixture, secrets } };
}

/** Signs in the first `count` users through the API (password + TOTP) and returns their session cookies. */
async function sessionPool(server: Server, count: number): Promise<string[]> {
  const sessions: string[] = [];
  const result = await runLoad(
    {
      label: 'session pool (sign-in + verify)',
      port: server.t.port,
      concurrency: 8,
      durationSeconds: 60,
      maxIterations: count,
      expected: ['ok'],
    },
    async (target, index) => {
      const { outcome, session } = await fullSignIn(server.t, target, index);
      if (session) sessions.push(session);
      return outcome;
    },
  );
  if (sessions.length !== count) throw new Error(`session pool: ${formatResult(result)}`);
  return sessions;
}

async function measureSessions(server: Server, sessions: string[], database: string): Promise<void> {
  const base = { port: server.t.port, concurrency: PLAN.concurrency, maxIterations: 2_000_000, expected: ['200'] };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: PLAN.warmupSeconds }, sessionCheck(server.t, sessions));
  const [result, cpu] = await cleanly(server.child.pid, () =>
    runLoad(
      { ...base, label: `c. session check (${database})`, durationSeconds: PLAN.sessionSeconds },
      sessionCheck(server.t, sessions),
    ),
  );
  record('c', database, result, memoryOf(server.child.pid), cpu);
}

/** GET /healthz: every hook and header of the app, but no database query — the framework's share. */
async function measureFloor(server: Server): Promise<void> {
  const iteration: Iteration = async (target, index) =>
    String(
      (
        await send(target, {
          method: 'GET',
          path: '/healthz',
          headers: { origin: server.t.origin, 'x-forwarded-for': clientIp(index % 64) },
        })
      ).status,
    );
  const base = { port: server.t.port, concurrency: PLAN.concurrency, maxIterations: 2_000_000, expected: ['200'] };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: PLAN.warmupSeconds }, iteration);
  const [result, cpu] = await cleanly(server.child.pid, () =>
    runLoad({ ...base, label: 'e. GET /healthz (no database)', durationSeconds: PLAN.floorSeconds }, iteration),
  );
  record('e', 'none', result, memoryOf(server.child.pid), cpu);
}

async function measureVerify(server: Server, database: string): Promise<void> {
  const challenges = server.t.fixture.challenges;
  let next = 0;
  const verify: Iteration = async (target) => {
    const challenge = challenges[next++]!;
    return String(
      (await verifyStep(server.t, target, challenge.user, challenge.token, `bench-device-${challenge.user}`)).status,
    );
  };
  const warmup = Math.min(Math.floor(challenges.length / 10), 2_000);
  await runLoad(
    {
      label: 'warm-up',
      port: server.t.port,
      concurrency: PLAN.concurrency,
      durationSeconds: PLAN.warmupSeconds,
      maxIterations: warmup,
      expected: ['200'],
    },
    verify,
  );
  const [result, cpu] = await cleanly(server.child.pid, () =>
    runLoad(
      {
        label: `a. TOTP verify step (${database})`,
        port: server.t.port,
        concurrency: PLAN.concurrency,
        durationSeconds: PLAN.verifySeconds,
        maxIterations: challenges.length - next,
        expected: ['200'],
      },
      verify,
    ),
  );
  record('a', database, result, memoryOf(server.child.pid), cpu);
}

/** What bench/phases-factors.ts needs of this harness. */
function harnessFor(server: Server): Harness {
  return {
    port: server.t.port,
    origin: server.t.origin,
    pid: server.child.pid,
    concurrency: PLAN.concurrency,
    warmupSeconds: PLAN.warmupSeconds,
    seconds: PLAN.verifySeconds,
    clientIp,
    log,
    async measure(phase, database, work, options) {
      const [result, cpu] = await cleanly(server.child.pid, work, options?.once ? 1 : PLAN.attempts);
      record(phase, database, result, memoryOf(server.child.pid), cpu);
      return result;
    },
    recordDerived(phase, database, result) {
      record(phase, database, result, null, null);
    },
  };
}

async function seedFactorUsers(
  databaseUrl: string,
  pgSchema: string | null,
  secretKey: string,
  file: string,
  passkeys: number,
  backup: number,
): Promise<FactorsFixture> {
  const args = [
    'bench/seed-factors.ts',
    '--mode',
    'factors',
    '--database-url',
    databaseUrl,
    '--passkeys',
    String(passkeys),
    '--backup',
    String(backup),
    '--out',
    file,
  ];
  log(
    `  ${await runChild(pgSchema ? [...args, '--pg-schema', pgSchema] : args, benchEnv({ TWOFOLD_SECRET_KEY: secretKey }))}`,
  );
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FactorsFixture;
}

/**
 * The OIDC ceiling (i-bare): oidc-provider alone, same version, client and flow (bench/oidc-bare-server.ts),
 * measured with the same loader right after twofold's phase i.
 */
async function measureBareOidc(app: OidcFixture, sessions: readonly string[]): Promise<void> {
  const port = await freePort();
  const child = spawnNode(
    [
      'bench/oidc-bare-server.ts',
      '--port',
      String(port),
      '--client-id',
      app.clientId,
      '--client-secret',
      app.clientSecret,
      '--redirect-uri',
      app.redirectUri,
    ],
    benchEnv({}),
  );
  children.add(child);
  try {
    await waitUntil(
      'the bare oidc-provider',
      child,
      async () => (await fetch(`http://127.0.0.1:${port}/oidc/.well-known/openid-configuration`)).ok,
    );
    const harness: Harness = {
      port,
      origin: `http://127.0.0.1:${port}`,
      pid: child.pid,
      concurrency: PLAN.concurrency,
      warmupSeconds: PLAN.warmupSeconds,
      seconds: PLAN.verifySeconds,
      clientIp,
      log,
      async measure(phase, database, work, options) {
        const [result, cpu] = await cleanly(child.pid, work, options?.once ? 1 : PLAN.attempts);
        record(phase, database, result, memoryOf(child.pid), cpu);
        return result;
      },
      recordDerived(phase, database, result) {
        record(phase, database, result, null, null);
      },
    };
    await measureOidc(harness, app, sessions, 'memory', BARE_OIDC);
  } finally {
    await stopChild(child);
    children.delete(child);
  }
}

/** Registers the app of phase i (a confidential OIDC client of the bench org) in the seeded database. */
async function seedOidcApp(
  databaseUrl: string,
  pgSchema: string | null,
  secretKey: string,
  file: string,
): Promise<OidcFixture> {
  const args = ['bench/seed-oidc.ts', '--database-url', databaseUrl, '--out', file];
  log(
    `  ${await runChild(pgSchema ? [...args, '--pg-schema', pgSchema] : args, benchEnv({ TWOFOLD_SECRET_KEY: secretKey }))}`,
  );
  return JSON.parse(fs.readFileSync(file, 'utf8')) as OidcFixture;
}

/** A range of users not signed in yet: each signs in once (a TOTP code is accepted once per 30 s step). */
interface Users {
  next: number;
  readonly end: number;
}

function signInStorm(server: Server, users: Users, label: string, seconds: number): Promise<LoadResult> {
  return runLoad(
    {
      label,
      port: server.t.port,
      concurrency: PLAN.concurrency,
      durationSeconds: seconds,
      maxIterations: Math.max(0, users.end - users.next),
      expected: ['ok'],
    },
    async (target) => (await fullSignIn(server.t, target, users.next++)).outcome,
  );
}

// ——— the run —————————————————————————————————————————————————————————————————————————————————————————————

function versions(): Record<string, string> {
  const version = (pkg: string): string =>
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  return {
    source: `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${changed ? ` + ${changed} uncommitted change(s) in src/` : ''}`,
    cpus: String(os.availableParallelism()),
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: os.release(),
    node: process.version,
    fastify: version('fastify'),
    kysely: version('kysely'),
    'better-sqlite3': version('better-sqlite3'),
    pg: version('pg'),
    '@node-rs/argon2': version('@node-rs/argon2'),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const info = versions();
  log(`twofold benchmark  ${new Date().toISOString()}  ${quick ? '(quick)' : ''}`);
  log(`source: ${info.source}`);
  log(
    `machine: ${info.cpus} cores, ${info.cpu}, ${info.memory}; node ${info.node}; fastify ${info.fastify}, kysely ${info.kysely}, better-sqlite3 ${info['better-sqlite3']}, pg ${info.pg}, @node-rs/argon2 ${info['@node-rs/argon2']}`,
  );
  if (!flags['server-entry']) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-bench-'));
  const secretKey = randomBytes(32).toString('base64url');
  const profileDir = flags.profile ? path.join(work, 'profile') : null;
  const pgVersion: string[] = [];

  try {
    if (wants('hello')) {
      log('ceiling');
      await measureHello();
    }

    const sqlitePhases = ['e', 'c', 'a', 'f', 'g', 'i', 'b', 'd'].filter(wants);
    if (sqlitePhases.length > 0) {
      log('twofold on SQLite');
      const verifyFrom = PLAN.poolUsers;
      const signInFrom = verifyFrom + PLAN.verifyChallenges;
      const stormFrom = signInFrom + PLAN.signInUsers;
      const totalUsers = stormFrom + PLAN.stormUsers;
      const databaseUrl = `sqlite:${path.join(work, 'twofold.db')}`;
      const fixtureFile = path.join(work, 'fixture-sqlite.json');
      log(
        `  ${await runChild(['bench/seed.ts', '--database-url', databaseUrl, '--users', String(totalUsers), '--challenges', `${verifyFrom}:${signInFrom}`, '--out', fixtureFile], benchEnv({ TWOFOLD_SECRET_KEY: secretKey }))}`,
      );
      const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as Fixture;
      const factors =
        wants('f') || wants('g')
          ? await seedFactorUsers(
              databaseUrl,
              null,
              secretKey,
              path.join(work, 'factors-sqlite.json'),
              wants('f') ? PLAN.passkeyUsers : 0,
              wants('g') ? PLAN.backupUsers : 0,
            )
          : null;
      const oidcApp = wants('i')
        ? await seedOidcApp(databaseUrl, null, secretKey, path.join(work, 'oidc-sqlite.json'))
        : null;
      const server = await startTwofold(databaseUrl, fixture, secretKey, path.join(work, 'data'), profileDir);
      try {
        log(`  started: rss ${memoryOf(server.child.pid).rssMb.toFixed(0)} MB`);
        const sessions = await sessionPool(server, PLAN.poolUsers);
        log(
          `  ${sessions.length} sessions signed in through the API: rss ${memoryOf(server.child.pid).rssMb.toFixed(0)} MB`,
        );
        if (wants('e')) await measureFloor(server);
        if (wants('c')) await measureSessions(server, sessions, 'SQLite');
        if (wants('a')) await measureVerify(server, 'SQLite');
        if (factors && wants('f')) await measurePasskey(harnessFor(server), factors, 'SQLite');
        if (factors && wants('g')) await measureBackupCodes(harnessFor(server), factors, 'SQLite');
        if (oidcApp) {
          await measureOidc(harnessFor(server), oidcApp, sessions, 'SQLite');
          await measureBareOidc(oidcApp, sessions);
        }
        if (wants('b')) {
          const users: Users = { next: signInFrom, end: signInFrom + PLAN.signInUsers };
          const [result, cpu] = await cleanly(server.child.pid, () =>
            signInStorm(server, users, 'b. full sign-in, password + TOTP (SQLite)', PLAN.signInSeconds),
          );
          record('b', 'SQLite', result, memoryOf(server.child.pid), cpu);
        }
        if (wants('d')) {
          const base = {
            port: server.t.port,
            concurrency: PLAN.stormSessionConcurrency,
            maxIterations: 2_000_000,
            expected: ['200'],
          };
          const [quiet, quietCpu] = await cleanly(server.child.pid, () =>
            runLoad(
              { ...base, label: 'd0. session check, quiet (SQLite)', durationSeconds: PLAN.quietSeconds },
              sessionCheck(server.t, sessions),
            ),
          );
          record('d0', 'SQLite', quiet, memoryOf(server.child.pid), quietCpu);
          const users: Users = { next: stormFrom, end: stormFrom + PLAN.stormUsers };
          const [[during, storm], cpu] = await cleanly(server.child.pid, () =>
            Promise.all([
              runLoad(
                { ...base, label: 'd. session check during storm', durationSeconds: PLAN.stormSeconds },
                sessionCheck(server.t, sessions),
              ),
              signInStorm(server, users, 'd. the sign-in storm itself', PLAN.stormSeconds),
            ]),
          );
          const memory = memoryOf(server.child.pid);
          record('d', 'SQLite', during, memory, cpu);
          record('d-storm', 'SQLite', storm, memory, cpu);
        }
        log(`  server peak rss ${memoryOf(server.child.pid).peakMb.toFixed(0)} MB`);
      } finally {
        await stopChild(server.child);
      }
    }

    if (wants('h')) {
      log('growth: TOTP verify as the enrolled users grow (SQLite, bulk import)');
      const databaseUrl = `sqlite:${path.join(work, 'growth.db')}`;
      const empty: Fixture = { password: '', users: [], challenges: [] };
      // The schema first, so the server starts on a migrated database; the first import adds the users.
      const server = await startTwofold(databaseUrl, empty, secretKey, path.join(work, 'data-growth'), null);
      try {
        await measureGrowth(
          harnessFor(server),
          {
            sizes: PLAN.growthSizes,
            challenges: PLAN.growthChallenges,
            warmup: PLAN.growthWarmup,
            concurrency: PLAN.growthConcurrency,
            workDir: work,
            seed: (args) =>
              runChild(
                ['bench/seed-factors.ts', '--mode', 'grow', '--database-url', databaseUrl, ...args],
                benchEnv({ TWOFOLD_SECRET_KEY: secretKey }),
              ),
          },
          'SQLite',
        );
        log(`  server peak rss ${memoryOf(server.child.pid).peakMb.toFixed(0)} MB`);
      } finally {
        await stopChild(server.child);
      }
    }

    if (wants('pg') && !flags['no-pg']) {
      log('twofold on PostgreSQL');
      const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: PG_BASE_URL });
      try {
        await admin.connect();
      } catch (error) {
        log(`  skipped: cannot reach ${PG_BASE_URL} (${(error as Error).message})`);
        return;
      }
      try {
        pgVersion.push(
          String((await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version),
        );
        log(`  PostgreSQL ${pgVersion[0]}, schema ${schema}`);
        await admin.query(`create schema ${schema}`);
        activeSchema = schema;
        const databaseUrl = `${PG_BASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        const fixtureFile = path.join(work, 'fixture-pg.json');
        const totalUsers = PLAN.poolUsers + PLAN.verifyChallengesPg;
        log(
          `  ${await runChild(['bench/seed.ts', '--database-url', databaseUrl, '--pg-schema', schema, '--users', String(totalUsers), '--challenges', `${PLAN.poolUsers}:${totalUsers}`, '--out', fixtureFile], benchEnv({ TWOFOLD_SECRET_KEY: secretKey }))}`,
        );
        const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as Fixture;
        const factors =
          wants('f') || wants('g')
            ? await seedFactorUsers(
                databaseUrl,
                schema,
                secretKey,
                path.join(work, 'factors-pg.json'),
                wants('f') ? PLAN.factorUsersPg : 0,
                wants('g') ? PLAN.factorUsersPg : 0,
              )
            : null;
        const oidcApp = wants('i')
          ? await seedOidcApp(databaseUrl, schema, secretKey, path.join(work, 'oidc-pg.json'))
          : null;
        const server = await startTwofold(databaseUrl, fixture, secretKey, path.join(work, 'data-pg'), profileDir);
        try {
          const sessions = await sessionPool(server, PLAN.poolUsers);
          await measureSessions(server, sessions, 'PostgreSQL');
          await measureVerify(server, 'PostgreSQL');
          if (factors && wants('f')) await measurePasskey(harnessFor(server), factors, 'PostgreSQL');
          if (factors && wants('g')) await measureBackupCodes(harnessFor(server), factors, 'PostgreSQL');
          if (oidcApp) await measureOidc(harnessFor(server), oidcApp, sessions, 'PostgreSQL');
          log(`  server peak rss ${memoryOf(server.child.pid).peakMb.toFixed(0)} MB`);
        } finally {
          await stopChild(server.child);
        }
      } finally {
        await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {});
        activeSchema = null;
        await admin.end();
      }
    }
  } finally {
    summary(info, pgVersion[0] ?? null);
    printStatementBudgets();
    if (flags.peer) {
      runPeerAndCompare(
        ROOT,
        quick,
        rows.map((r) => ({
          phase: r.phase,
          database: r.database,
          perSecond: r.result.perSecond,
          p99Ms: r.result.p99Ms,
          peakMb: r.memory?.peakMb ?? null,
        })),
        log,
      );
    }
    log(`\nwhole run: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (profileDir && fs.existsSync(profileDir)) {
      for (const file of fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
        log(`\nCPU profile of the twofold server: ${path.join(profileDir, file)}`);
        printTopFrames(path.join(profileDir, file), 30);
      }
    } else {
      fs.rmSync(work, { recursive: true, force: true });
    }
    clearTimeout(watchdog);
  }
}

/**
 * SQL statements per hot flow (each a round trip on PostgreSQL), as the statement-budget test measures them:
 * the same code, run in-process on SQLite, so the bench and the test cannot disagree.
 */
function printStatementBudgets(): void {
  try {
    const out = execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/http/statement-budget.test.ts'],
      { cwd: ROOT, env: { ...process.env, DIALECTS: 'sqlite', NO_COLOR: '1' }, encoding: 'utf8' },
    );
    const line = /statements per flow \(sqlite\): (\{.*\})/.exec(out)?.[1];
    if (!line) return;
    log('\n| flow | SQL statements (round trips on PostgreSQL) |');
    log('|---|---:|');
    for (const [flow, count] of Object.entries(JSON.parse(line) as Record<string, number>))
      log(`| ${flow} | ${count} |`);
  } catch (error) {
    log(`statement counts: not measured (${(error as Error).message.split('\n')[0]})`);
  }
}

function summary(info: Record<string, string>, pgVersion: string | null): void {
  const hello = rows.find((r) => r.phase === 'hello')?.result.perSecond ?? null;
  const ratio = (value: number): string => (hello ? `${((value / hello) * 100).toFixed(1)} %` : '—');
  log(
    '\n| phase | database | c | per second | p50 ms | p99 ms | errors | outcomes | vs ceiling | server RSS MB (peak) | CPU cores: server / loader / PostgreSQL / other processes | server CPU per request |',
  );
  log('|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const { phase, database, result: r, memory, cpu } of rows) {
    const outcomes = Object.entries(r.outcomes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    log(
      `| ${r.label} | ${database} | ${r.concurrency} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${outcomes} | ${phase === 'hello' ? '100 %' : ratio(r.perSecond)} | ${memory ? `${memory.rssMb.toFixed(0)} (${memory.peakMb.toFixed(0)})` : '—'} | ${cpu ? `${cpu.server.toFixed(2)} / ${cpu.loader.toFixed(2)} / ${cpu.database.toFixed(2)} / ${cpu.others.toFixed(2)}${cpu.others > BUSY_MACHINE_CORES ? ' (busy machine)' : ''}` : '—'} | ${cpu && r.perSecond > 0 && !phase.startsWith('d') ? `${((cpu.server * 1e6) / r.perSecond).toFixed(0)} µs` : '—'} |`,
    );
  }
  if (flags.json) {
    fs.writeFileSync(
      flags.json,
      JSON.stringify(
        { date: new Date().toISOString(), quick, machine: info, postgres: pgVersion, plan: PLAN, rows },
        null,
        2,
      ),
    );
    log(`\nfigures written to ${flags.json}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
