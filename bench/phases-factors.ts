/**
 * The other second-factor phases and the growth phase of the benchmark (bench/run.ts wires them in):
 *
 *   f. passkey verify step   per iteration, as a browser would: POST /api/v1/sign-in/passkey/options with
 *                            the pending challenge's cookie (a stored WebAuthn challenge), an ES256
 *                            assertion over it signed in the loader (test/helpers/soft-authenticator.ts),
 *                            then POST /api/v1/sign-in/passkey. The pair is one iteration; the verify
 *                            request alone is reported too, from its own timings (f-verify);
 *   g. backup-code verify    POST /api/v1/sign-in/verify {method: backup_code}, each request with its own
 *                            pending challenge and a different seeded code;
 *   h. growth                TOTP verify step at 1 k, 100 k (and 1 M) enrolled users, all imported through
 *                            importMembers, one server kept running while the database grows under it.
 *
 * Fixtures come from bench/seed-factors.ts. The harness (load, CPU, memory, recording) is run.ts's.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TOTP_DEFAULTS, totp } from '../src/core/otp.ts';
import { SoftAuthenticator, type Credential } from '../test/helpers/soft-authenticator.ts';
import { cookieFrom, runLoad, send, type Iteration, type LoadResult, type Target } from './loader.ts';
import { GROWTH_USER_BASE, growthSecret, type FactorsFixture, type GrowthFixture } from './seed-factors.ts';

export interface Harness {
  readonly port: number;
  readonly origin: string;
  readonly pid: number | undefined;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  clientIp(user: number): string;
  /** Measures on a quiet machine (run.ts cleanly) and records the row (run.ts record). */
  measure(
    phase: string,
    database: string,
    work: () => Promise<LoadResult>,
    options?: { once?: boolean },
  ): Promise<LoadResult>;
  /** Records a row derived from another measurement (no CPU figures of its own). */
  recordDerived(phase: string, database: string, result: LoadResult): void;
  log(line: string): void;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Derives a single-request row from per-request timings collected during `pair`. */
export function derived(
  label: string,
  pair: LoadResult,
  timings: number[],
  outcomes: Record<string, number>,
): LoadResult {
  const sorted = Float64Array.from(timings).sort();
  return {
    label,
    concurrency: pair.concurrency,
    iterations: timings.length,
    seconds: pair.seconds,
    perSecond: timings.length / pair.seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    errors: Object.entries(outcomes)
      .filter(([k]) => k !== '200')
      .reduce((n, [, v]) => n + v, 0),
    outcomes,
    exhausted: pair.exhausted,
  };
}

// ——— f. passkey ————————————————————————————————————————————————————————————————————————————————————————————

export async function measurePasskey(h: Harness, fixture: FactorsFixture, database: string): Promise<void> {
  const authenticator = new SoftAuthenticator({ origin: h.origin, userVerified: true });
  const credentials: Credential[] = fixture.passkeys.map((p) => ({
    id: Buffer.from(p.credentialId, 'base64url'),
    privateKey: crypto.createPrivateKey({ key: Buffer.from(p.privateKey, 'base64url'), format: 'der', type: 'pkcs8' }),
    cose: Buffer.from(p.cose, 'base64url'),
    userHandle: Buffer.from(p.userId, 'utf8').toString('base64url'),
    counter: 0,
  }));
  let next = 0;
  let verifyTimings: number[] = [];
  let verifyOutcomes: Record<string, number> = {};
  const iteration: Iteration = async (target: Target) => {
    const i = next++;
    const p = fixture.passkeys[i]!;
    const headers = {
      origin: h.origin,
      cookie: `tf_challenge=${p.token}; tf_device=bench-device-pk-${i}`,
      'x-forwarded-for': h.clientIp(p.user),
    };
    const options = await send(
      target,
      {
        method: 'POST',
        path: '/api/v1/sign-in/passkey/options',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      },
      true,
    );
    if (options.status !== 200) return `options:${options.status}`;
    const assertion = authenticator.get(JSON.parse(options.body) as Record<string, unknown>, {}, credentials[i]);
    const t0 = performance.now();
    const verify = await send(target, {
      method: 'POST',
      path: '/api/v1/sign-in/passkey',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ response: assertion }),
    });
    verifyTimings.push(performance.now() - t0);
    verifyOutcomes[String(verify.status)] = (verifyOutcomes[String(verify.status)] ?? 0) + 1;
    return verify.status === 200 && cookieFrom(verify, 'tf_session') ? 'ok' : `verify:${verify.status}`;
  };
  const base = { port: h.port, concurrency: h.concurrency, expected: ['ok'] };
  await runLoad(
    {
      ...base,
      label: 'warm-up',
      durationSeconds: h.warmupSeconds,
      maxIterations: Math.min(500, Math.floor(credentials.length / 10)),
    },
    iteration,
  );
  const pair = await h.measure('f', database, () => {
    verifyTimings = [];
    verifyOutcomes = {};
    return runLoad(
      {
        ...base,
        label: `f. passkey options + verify (${database})`,
        durationSeconds: h.seconds,
        maxIterations: credentials.length - next,
      },
      iteration,
    );
  });
  h.recordDerived(
    'f-verify',
    database,
    derived(`f. passkey verify request alone (${database})`, pair, verifyTimings, verifyOutcomes),
  );
}

// ——— g. backup codes ———————————————————————————————————————————————————————————————————————————————————————

export async function measureBackupCodes(h: Harness, fixture: FactorsFixture, database: string): Promise<void> {
  let next = 0;
  const iteration: Iteration = async (target) => {
    const i = next++;
    const b = fixture.backup[i]!;
    const response = await send(target, {
      method: 'POST',
      path: '/api/v1/sign-in/verify',
      headers: {
        'content-type': 'application/json',
        origin: h.origin,
        cookie: `tf_challenge=${b.token}; tf_device=bench-device-bc-${i}`,
        'x-forwarded-for': h.clientIp(b.user),
      },
      body: JSON.stringify({ method: 'backup_code', code: b.code }),
    });
    return String(response.status);
  };
  const base = { port: h.port, concurrency: h.concurrency, expected: ['200'] };
  await runLoad(
    {
      ...base,
      label: 'warm-up',
      durationSeconds: h.warmupSeconds,
      maxIterations: Math.min(500, Math.floor(fixture.backup.length / 10)),
    },
    iteration,
  );
  await h.measure('g', database, () =>
    runLoad(
      {
        ...base,
        label: `g. backup-code verify step (${database})`,
        durationSeconds: h.seconds,
        maxIterations: fixture.backup.length - next,
      },
      iteration,
    ),
  );
}

// ——— h. growth ————————————————————————————————————————————————————————————————————————————————————————————

export interface GrowthOptions {
  readonly sizes: readonly number[];
  /** Measured pending challenges per size, and warm-up ones (second challenges of some of the same users). */
  readonly challenges: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly workDir: string;
  /** Runs bench/seed-factors.ts --mode grow … and returns its stdout line. */
  seed(args: string[]): Promise<string>;
}

export interface GrowthPoint {
  readonly users: number;
  readonly importSeconds: number;
  readonly result: LoadResult;
}

/** Imports users up to each size, then measures the TOTP verify step on challenges spread over all of them. */
export async function measureGrowth(h: Harness, g: GrowthOptions, database: string): Promise<GrowthPoint[]> {
  const points: GrowthPoint[] = [];
  const used: number[] = [];
  const excludeFile = path.join(g.workDir, 'growth-used.json');
  let have = 0;
  for (const size of g.sizes) {
    fs.writeFileSync(excludeFile, JSON.stringify(used));
    const out = path.join(g.workDir, `growth-${size}.json`);
    const challenges = Math.min(g.challenges, size - used.length);
    h.log(
      `  ${size} users: ${await g.seed(['--from', String(have), '--to', String(size), '--challenges', String(challenges), '--warmup', String(g.warmup), '--exclude', excludeFile, '--out', out])}`,
    );
    have = size;
    const fixture = JSON.parse(fs.readFileSync(out, 'utf8')) as GrowthFixture;
    used.push(...fixture.challenges.map((c) => c.user));
    const verify =
      (list: GrowthFixture['challenges'], lagSeconds: number): Iteration =>
      async (target, index) => {
        const c = list[index]!;
        const code = totp(growthSecret(c.user), Math.floor(Date.now() / 1000) - lagSeconds, TOTP_DEFAULTS);
        const response = await send(target, {
          method: 'POST',
          path: '/api/v1/sign-in/verify',
          headers: {
            'content-type': 'application/json',
            origin: h.origin,
            cookie: `tf_challenge=${c.token}; tf_device=bench-device-g-${c.user}`,
            'x-forwarded-for': h.clientIp(GROWTH_USER_BASE + c.user),
          },
          body: JSON.stringify({ method: 'totp', code }),
        });
        return String(response.status);
      };
    const base = { port: h.port, concurrency: g.concurrency, expected: ['200'], durationSeconds: 60 };
    // Warm-up: the same users' second challenges, answered with the code of the previous 30 s step.
    await runLoad({ ...base, label: 'warm-up', maxIterations: fixture.warmup.length }, verify(fixture.warmup, 30));
    const result = await h.measure(
      `h-${size}`,
      database,
      () =>
        runLoad(
          {
            ...base,
            label: `h. TOTP verify at ${size.toLocaleString('en')} users (${database})`,
            maxIterations: fixture.challenges.length,
          },
          verify(fixture.challenges, 0),
        ),
      { once: true },
    );
    points.push({ users: size, importSeconds: fixture.importSeconds, result });
  }
  const first = points[0];
  if (first) {
    h.log(
      `  growth (TOTP verify, c=${g.concurrency}): ${points.map((p) => `${p.users}: p50 ${p.result.p50Ms.toFixed(2)} ms p99 ${p.result.p99Ms.toFixed(2)} ms`).join('; ')}`,
    );
    const within = (value: number, reference: number): boolean => Math.abs(value / reference - 1) <= 0.2;
    const flat = points.every(
      (p) => within(p.result.p50Ms, first.result.p50Ms) && within(p.result.p99Ms, first.result.p99Ms),
    );
    const noSlower = points.every(
      (p) => p.result.p50Ms <= first.result.p50Ms * 1.2 && p.result.p99Ms <= first.result.p99Ms * 1.2,
    );
    h.log(
      `  p50 and p99 within ±20 % of the ${first.users}-user figures at every size: ${flat ? 'yes (flat)' : 'no'}; none more than 20 % slower: ${noSlower ? 'yes' : 'no'}`,
    );
  }
  return points;
}
