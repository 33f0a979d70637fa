/**
 * twofold as real processes: `node dist/cli.js serve`, built from the current source once per run
 * (test/helpers/global-setup.ts; one process, so a signal reaches the server itself), CLI commands, and a
 * cookie-jar HTTP client that may talk to several instances.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { randomToken } from '../../src/crypto/index.ts';
import { openDatabase } from '../../src/db/connect.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 20_000;

/** The command line that runs the built twofold command, as `npm start` and bin/twofold.js run it. */
export const BUILT_CLI = ['--enable-source-maps', path.join(ROOT, 'dist/cli.js')] as const;

/** A fresh key for TWOFOLD_SECRET_KEY (32 random bytes, base64url). */
export function newSecretKey(): string {
  return randomToken(32);
}

function childEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_NO_WARNINGS: '1',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  };
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Every stdout line (pino JSON) so far. */
  readonly lines: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves when `count` log lines match `predicate`. */
  waitForLines(predicate: (line: string) => boolean, count?: number, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...BUILT_CLI, 'serve'], { cwd: ROOT, env: childEnv(env) });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    }),
  );

  async function waitForLines(
    predicate: (line: string) => boolean,
    count = 1,
    timeoutMs = READY_TIMEOUT_MS,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (lines.filter(predicate).length < count) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`server exited: ${stderr.slice(0, 2000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for log lines; stderr: ${stderr.slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  await waitForLines((line) => line.includes('Server listening at'));
  const listening = lines.find((line) => line.includes('Server listening at'))!;
  const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)![1]!;
  return {
    url,
    child,
    lines,
    exited,
    waitForLines,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BUILT_CLI, ...args], {
      cwd: ROOT,
      env: childEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

/** One browser: a cookie jar shared by every instance it talks to, Origin = PUBLIC_URL, an optional client IP. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly origin: string,
    private readonly forwardedFor?: string,
  ) {}

  async request(base: string, method: string, pathname: string, body?: unknown): Promise<HttpResult> {
    const headers: Record<string, string> = { origin: this.origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.forwardedFor) headers['x-forwarded-for'] = this.forwardedFor;
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
  }

  get(base: string, pathname: string): Promise<HttpResult> {
    return this.request(base, 'GET', pathname);
  }
  post(base: string, pathname: string, body: unknown = {}): Promise<HttpResult> {
    return this.request(base, 'POST', pathname, body);
  }
}

/** Waits until `check` is true (polling), or throws after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * For suites that set an org up with the CLI and then sign in from several new browsers: turns the org's
 * new-device check off (it has its own tests, test/http/device-check.test.ts).
 */
export async function turnOffNewDeviceCheck(databaseUrl: string): Promise<void> {
  const db = openDatabase(databaseUrl);
  await db.kysely.updateTable('orgs').set({ new_device_check: 'off' }).execute();
  await db.close();
}
