/** A twofold app on a test database, with a movable clock and the real outbox mailer. */
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { resolveConfig, type Config } from '../../src/config/index.ts';
import { ephemeralKeyring } from '../../src/crypto/keyring.ts';
import { createMailQueue } from '../../src/mail/queue.ts';
import { outboxTransport, type MailTransport } from '../../src/mail/transport.ts';
import type { AppDeps, Ctx } from '../../src/context.ts';
import type { DialectName } from '../../src/db/connect.ts';
import { openTestDb, type TestDb } from './db.ts';

export const ORIGIN = 'http://localhost:3000';

export class TestClock {
  private nowMs: number;
  constructor(start = Date.parse('2026-11-24T12:00:00.000Z')) {
    this.nowMs = start;
  }
  /** Each reading moves 1 ms on, so rows written in one test keep their order. */
  readonly now = (): Date => new Date(this.nowMs++);
  advanceSeconds(seconds: number): void {
    this.nowMs += seconds * 1000;
  }
}

export interface CapturedResponse {
  readonly method: string;
  /** The route pattern, e.g. /api/v1/orgs/:orgId/policy. */
  readonly route: string;
  readonly status: number;
  readonly body: string;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly ctx: Ctx;
  readonly clock: TestClock;
  readonly testDb: TestDb;
  /** Every log line the app wrote (JSON), for secret scans. */
  readonly logs: string[];
  /** The JSON answers of /api/v1 routes, in order. */
  readonly captured: CapturedResponse[];
  close(): Promise<void>;
}

export async function createTestApp(
  dialect: DialectName,
  options: { env?: Record<string, string>; transport?: MailTransport; logLevel?: string; clockStart?: number } = {},
): Promise<TestApp> {
  const testDb = await openTestDb(dialect);
  const config: Config = resolveConfig({ PUBLIC_URL: ORIGIN, DATA_DIR: '/nonexistent', ...options.env });
  const clock = new TestClock(options.clockStart);
  const deps: AppDeps = {
    db: testDb.db,
    keyring: ephemeralKeyring(),
    clock: clock.now,
    mail: createMailQueue(testDb.db, options.transport ?? outboxTransport()),
  };
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp(config, deps, { logger: { level: options.logLevel ?? 'info', stream } });
  // Every JSON answer of an /api/v1 route, for the OpenAPI replay test (and, with CAPTURE_RESPONSES=file,
  // appended to that file from any suite).
  const captured: CapturedResponse[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url ?? '';
    if (!route.startsWith('/api/v1') || (payload !== undefined && payload !== null && typeof payload !== 'string'))
      return payload;
    const entry = { method: request.method, route, status: reply.statusCode, body: payload ?? '' };
    captured.push(entry);
    if (process.env.CAPTURE_RESPONSES) appendFileSync(process.env.CAPTURE_RESPONSES, `${JSON.stringify(entry)}\n`);
    return payload;
  });
  await app.ready();
  return {
    app,
    ctx: app.ctx,
    clock,
    testDb,
    logs,
    captured,
    async close() {
      await app.close();
      await testDb.close();
    },
  };
}

/** A cookie jar + JSON client over app.inject, sending Origin like a browser. */
export class Client {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  clearCookies(): void {
    this.cookies.clear();
  }

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        origin: this.app.ctx.config.publicOrigin,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookieHeader() ? { cookie: this.cookieHeader()! } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    this.remember(response);
    return response;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body: unknown = {}) {
    return this.request('POST', url, body);
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }

  /** Sends raw bytes (an uploaded image) with their content type. */
  async putBytes(url: string, payload: Buffer, contentType: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'PUT',
      url,
      remoteAddress: this.ip,
      headers: {
        origin: this.app.ctx.config.publicOrigin,
        'content-type': contentType,
        ...(this.cookieHeader() ? { cookie: this.cookieHeader()! } : {}),
      },
      payload,
    });
    this.remember(response);
    return response;
  }

  /** Submits an HTML form with the page's CSRF token (fetched from `formPage`). */
  async submitForm(formPage: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(formPage);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return this.postForm(action, { _csrf: csrf, ...fields });
  }

  /** Posts form fields as they are (the caller includes `_csrf`). */
  async postForm(action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'POST',
      url: action,
      remoteAddress: this.ip,
      headers: {
        origin: this.app.ctx.config.publicOrigin,
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.cookieHeader() ? { cookie: this.cookieHeader()! } : {}),
      },
      payload: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return response;
  }
}

export const OWNER = { orgName: 'Acme Clinic', email: 'owner@acme.test', password: 'violet-harbor-lantern-42' };

/**
 * Runs first-run setup and returns a signed-in owner client plus the org id. The org's new-device check
 * (on for staff by default) is turned off unless a test asks for it: a test's new Client is a new browser,
 * and the check has its own tests (test/http/device-check.test.ts).
 */
export async function setUpOwner(
  t: TestApp,
  options: { newDeviceCheck?: 'off' | 'staff' | 'everyone' } = {},
): Promise<{ owner: Client; orgId: string; ownerId: string }> {
  const owner = new Client(t.app);
  const response = await owner.post('/api/v1/setup', OWNER);
  if (response.statusCode !== 201) throw new Error(`setup failed: ${response.statusCode} ${response.body}`);
  const json = response.json() as { org: { id: string }; user: { id: string } };
  await t.ctx.db.kysely
    .updateTable('orgs')
    .set({ new_device_check: options.newDeviceCheck ?? 'off' })
    .where('id', '=', json.org.id)
    .execute();
  return { owner, orgId: json.org.id, ownerId: json.user.id };
}

/** The newest outbox email to `to` (its text). */
export async function lastEmailTo(t: TestApp, to: string): Promise<{ subject: string; text: string }> {
  const row = await t.ctx.db.kysely
    .selectFrom('mail_outbox')
    .select(['subject', 'body_text'])
    .where('recipient', '=', to)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) throw new Error(`no email to ${to}`);
  return { subject: row.subject, text: row.body_text };
}

/** Subjects of every outbox email to `to`, oldest first. */
export async function subjectsTo(t: TestApp, to: string): Promise<string[]> {
  const rows = await t.ctx.db.kysely
    .selectFrom('mail_outbox')
    .select('subject')
    .where('recipient', '=', to)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.subject);
}

export function tokenFromLink(text: string, pathPrefix: string): string {
  const match = new RegExp(`${pathPrefix.replace(/[/?]/g, (c) => `\\${c}`)}\\?token=([A-Za-z0-9_%-]+)`).exec(text);
  if (!match) throw new Error(`no ${pathPrefix} link in email`);
  return decodeURIComponent(match[1]!);
}
