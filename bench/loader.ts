/**
 * A small closed-loop HTTP load generator on node:http: `concurrency` workers, each sending its next
 * request as soon as the previous one answered, over a keep-alive Agent, for `durationSeconds` or until
 * `maxIterations` iterations have started, whichever comes first. Every request (or multi-request
 * iteration) is built by a factory called at that moment, so each can carry its own cookie and body.
 *
 * Reports iterations per second, p50/p99/max latency (ms) and the outcome counts; an outcome outside
 * `expected` (or a network error/timeout) counts as an error.
 */
import http from 'node:http';

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Only filled when the caller asked for the body. */
  readonly body: string;
}

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly agent: http.Agent;
}

/** A hard per-request limit, so that a stuck server cannot stall the benchmark. */
const REQUEST_TIMEOUT_MS = 10_000;

export function send(target: Target, spec: RequestSpec, readBody = false): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(spec.headers ?? {}) };
    if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
    const req = http.request(
      { host: target.host, port: target.port, method: spec.method, path: spec.path, headers, agent: target.agent },
      (res) => {
        const chunks: Buffer[] = [];
        if (readBody) res.on('data', (chunk: Buffer) => chunks.push(chunk));
        else res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: readBody ? Buffer.concat(chunks).toString('utf8') : '',
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** The value of one cookie from a response's Set-Cookie headers, or null. */
export function cookieFrom(response: Response, name: string): string | null {
  for (const line of response.headers['set-cookie'] ?? []) {
    const eq = line.indexOf('=');
    if (line.slice(0, eq) !== name) continue;
    const end = line.indexOf(';');
    const value = line.slice(eq + 1, end === -1 ? undefined : end);
    return value === '' ? null : value;
  }
  return null;
}

export interface LoadOptions {
  readonly label: string;
  readonly host?: string;
  readonly port: number;
  readonly concurrency: number;
  readonly durationSeconds: number;
  /** Upper bound on iterations started (e.g. the number of one-use fixtures available). */
  readonly maxIterations: number;
  /** Outcomes that are not errors (HTTP statuses as strings, or the iteration's own outcome names). */
  readonly expected: readonly string[];
}

export interface LoadResult {
  readonly label: string;
  readonly concurrency: number;
  readonly iterations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** True when the run stopped because maxIterations was reached before the duration ran out. */
  readonly exhausted: boolean;
}

/**
 * One iteration: sends one or more requests through `target` and returns its outcome (usually the
 * final HTTP status as a string). `index` counts iterations from 0 across all workers.
 */
export type Iteration = (target: Target, index: number) => Promise<string>;

/** A single-request iteration built from a request factory. */
export function requests(factory: (index: number) => RequestSpec): Iteration {
  return async (target, index) => String((await send(target, factory(index))).status);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export async function runLoad(options: LoadOptions, iteration: Iteration): Promise<LoadResult> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.concurrency,
    maxFreeSockets: options.concurrency,
  });
  const target: Target = { host: options.host ?? '127.0.0.1', port: options.port, agent };
  const latencies = new Float64Array(options.maxIterations);
  const outcomes: Record<string, number> = {};
  const expected = new Set(options.expected);
  let started = 0;
  let completed = 0;
  let errors = 0;
  let exhausted = false;
  const startNs = process.hrtime.bigint();
  const deadlineNs = startNs + BigInt(Math.round(options.durationSeconds * 1e9));

  const worker = async (): Promise<void> => {
    while (started < options.maxIterations && process.hrtime.bigint() < deadlineNs) {
      const index = started++;
      const t0 = process.hrtime.bigint();
      let outcome: string;
      try {
        outcome = await iteration(target, index);
      } catch (error) {
        outcome = `error:${(error as Error).message}`;
      }
      latencies[completed++] = Number(process.hrtime.bigint() - t0) / 1e6;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (!expected.has(outcome)) errors += 1;
    }
    if (started >= options.maxIterations && process.hrtime.bigint() < deadlineNs) exhausted = true;
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  agent.destroy();

  const sorted = latencies.slice(0, completed).sort();
  return {
    label: options.label,
    concurrency: options.concurrency,
    iterations: completed,
    seconds,
    perSecond: completed / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
    errors,
    outcomes,
    exhausted,
  };
}

export function formatResult(r: LoadResult): string {
  const outcomes = Object.entries(r.outcomes)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  return (
    `${r.label.padEnd(34)} c=${String(r.concurrency).padStart(2)}  ${r.perSecond.toFixed(0).padStart(6)}/s  ` +
    `p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  max ${r.maxMs.toFixed(1)} ms  ` +
    `n=${r.iterations} in ${r.seconds.toFixed(2)} s  errors=${r.errors}  [${outcomes}]${r.exhausted ? '  (fixtures exhausted)' : ''}`
  );
}
