/**
 * Faults, part (c): an instance killed (kill -9) in the middle of a multi-row write leaves all of it or
 * none — an authenticator app with its backup codes and 2FA on, or nothing; one complete set of backup
 * codes, never none or two — and the user can simply retry. A deterministic twin fails the last write of
 * the enrolment transaction on purpose, on every dialect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.ts';
import { systemClock } from '../../src/core/clock.ts';
import { loadKeyring } from '../../src/crypto/keyring.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { issueBackupCodes } from '../../src/factors/backup-codes/store.ts';
import { wipeSecondFactors } from '../../src/flows/two-factor.ts';
import { createMailQueue } from '../../src/mail/queue.ts';
import { outboxTransport } from '../../src/mail/transport.ts';
import { createSession } from '../../src/sessions/service.ts';
import type { Ctx } from '../../src/context.ts';
import { createTestApp, ORIGIN as TEST_ORIGIN, OWNER as TEST_OWNER, setUpOwner, type TestApp } from '../helpers/app.ts';
import { lastPhoneCode, PHONE_NUMBER } from '../helpers/phone.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt } from '../helpers/two-factor.ts';
import { Browser, newSecretKey, runCli, startServer, type ServerProcess } from '../helpers/process.ts';
import { composeEvents } from '../../src/compose.ts';

const ORIGIN = 'http://twofold.test';
const OWNER = { email: 'owner@crash.test', password: 'lichen-ember-voyage-19' };
const META = { ip: '127.0.0.1', userAgent: 'faults test' };
/** Milliseconds between the server logging the request and the kill: before, inside and after the write. */
const KILL_DELAYS_MS = [0, 3, 8];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SecondFactorState {
  factors: number;
  enabled: boolean;
  codeRows: number;
  codeSets: number;
}

async function stateOf(db: Db, userId: string): Promise<SecondFactorState> {
  const factors = await db.kysely.selectFrom('totp_factors').select('id').where('user_id', '=', userId).execute();
  const user = await db.kysely
    .selectFrom('users')
    .select('two_factor_enabled')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const codes = await db.kysely.selectFrom('backup_codes').select('created_at').where('user_id', '=', userId).execute();
  return {
    factors: factors.length,
    enabled: Number(user.two_factor_enabled) === 1,
    codeRows: codes.length,
    codeSets: new Set(codes.map((c) => c.created_at)).size,
  };
}

describe('kill -9 of an instance during multi-row writes', () => {
  let env: Record<string, string>;
  let ctx: Ctx;
  let userId: string;
  let server: ServerProcess;

  async function restart(): Promise<void> {
    server = await startServer(env);
    const current = server;
    cleanups.push(async () => void (await current.kill('SIGKILL')));
  }

  /** A browser holding a fresh session with the sudo window open (made directly in the shared database). */
  async function sudoBrowser(): Promise<Browser> {
    const browser = new Browser(ORIGIN);
    browser.cookies.set(
      'tf_session',
      (await createSession(ctx, { userId, amr: ['pwd'], remember: false }, META)).token,
    );
    return browser;
  }

  /** Sends `count` copies of a request, and kills the server `delayMs` after it logged the first one. */
  async function killDuring(
    browser: Browser,
    pathname: string,
    body: unknown,
    delayMs: number,
    count = 1,
  ): Promise<void> {
    const pending = Array.from({ length: count }, () => browser.post(server.url, pathname, body).catch(() => null));
    await server.waitForLines((line) => line.includes('"incoming request"') && line.includes(`"url":"${pathname}"`));
    await sleep(delayMs);
    await server.kill('SIGKILL');
    await Promise.all(pending);
  }

  async function setUpProcessAndUser(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-crash-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'twofold.db')}`,
      DATA_DIR: dir,
      TWOFOLD_SECRET_KEY: newSecretKey(),
      PUBLIC_URL: ORIGIN,
    };
    const init = await runCli(
      ['init', '--org', 'Crash Co', '--email', OWNER.email, '--password-stdin'],
      env,
      `${OWNER.password}\n`,
    );
    expect(init.code, init.stderr).toBe(0);
    const db = openDatabase(env.DATABASE_URL!);
    cleanups.push(() => db.close());
    const config = resolveConfig(env);
    ctx = {
      db,
      config,
      clock: systemClock,
      keyring: loadKeyring({ secretKey: config.secretKey, dataDir: config.dataDir }),
      mail: createMailQueue(db, outboxTransport()),
      events: composeEvents(),
    };
    userId = (
      await db.kysely.selectFrom('users').select('id').where('email', '=', OWNER.email).executeTakeFirstOrThrow()
    ).id;
    await restart();
  }

  it('enrolment confirm: afterwards a factor with 10 backup codes and 2FA on, or nothing — and a retry completes it', async () => {
    await setUpProcessAndUser();
    for (const delayMs of KILL_DELAYS_MS) {
      await wipeSecondFactors(ctx, userId);
      const browser = await sudoBrowser();
      const start = await browser.post(server.url, '/api/v1/me/factors/totp');
      expect(start.status).toBe(200);
      const confirm = { enrollmentId: start.json.enrollmentId, code: codeAt(start.json.secret, new Date()) };
      await killDuring(browser, '/api/v1/me/factors/totp/confirm', confirm, delayMs);

      const after = await stateOf(ctx.db, userId);
      const complete = { factors: 1, enabled: true, codeRows: 10, codeSets: 1 };
      expect([complete, { factors: 0, enabled: false, codeRows: 0, codeSets: 0 }]).toContainEqual(after);
      await restart();
      if (after.factors === 0) {
        const retry = await sudoBrowser();
        const again = await retry.post(server.url, '/api/v1/me/factors/totp');
        const done = await retry.post(server.url, '/api/v1/me/factors/totp/confirm', {
          enrollmentId: again.json.enrollmentId,
          code: codeAt(again.json.secret, new Date()),
        });
        expect(done.status, JSON.stringify(done.json)).toBe(200);
        expect(done.json.backupCodes).toHaveLength(10);
      }
      expect(await stateOf(ctx.db, userId)).toEqual(complete);
    }
  }, 120_000);

  it('backup-code regeneration: always exactly one complete set, and regenerating again works', async () => {
    await setUpProcessAndUser();
    await issueBackupCodes(ctx, userId);
    await ctx.db.kysely.updateTable('users').set({ two_factor_enabled: 1 }).where('id', '=', userId).execute();
    for (const delayMs of KILL_DELAYS_MS) {
      const browser = await sudoBrowser();
      // Twenty regenerations in flight: the kill lands while some are inside their transaction.
      await killDuring(browser, '/api/v1/me/backup-codes', {}, delayMs, 20);
      const after = await stateOf(ctx.db, userId);
      expect({ codeRows: after.codeRows, codeSets: after.codeSets }).toEqual({ codeRows: 10, codeSets: 1 });
      await restart();
      const again = await (await sudoBrowser()).post(server.url, '/api/v1/me/backup-codes');
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      expect(again.json.codes).toHaveLength(10);
      expect(await stateOf(ctx.db, userId)).toMatchObject({ codeRows: 10, codeSets: 1 });
    }
  }, 120_000);
});

describe.each(DIALECTS)(
  'a failed last write inside enrolment confirm rolls the whole enrolment back (%s)',
  (dialect) => {
    it('leaves no factor, 2FA off and the enrolment open; the same code then works', async () => {
      const t = await createTestApp(dialect);
      cleanups.push(() => t.close());
      const { owner, ownerId } = await setUpOwner(t);
      expect((await owner.post('/api/v1/me/reauthenticate', { password: TEST_OWNER.password })).statusCode).toBe(200);
      const start = (await owner.post('/api/v1/me/factors/totp')).json() as { enrollmentId: string; secret: string };
      const body = { enrollmentId: start.enrollmentId, code: codeAt(start.secret, t.clock.now()) };
      // The backup codes are the transaction's last write: take their table away, as a crash there would.
      await sql`alter table backup_codes rename to backup_codes_away`.execute(t.ctx.db.kysely);
      expect((await owner.post('/api/v1/me/factors/totp/confirm', body)).statusCode).toBe(500);
      await sql`alter table backup_codes_away rename to backup_codes`.execute(t.ctx.db.kysely);
      expect(await stateOf(t.ctx.db, ownerId)).toEqual({ factors: 0, enabled: false, codeRows: 0, codeSets: 0 });
      const enrolment = await t.ctx.db.kysely
        .selectFrom('totp_enrollments')
        .select('consumed_at')
        .where('id', '=', start.enrollmentId)
        .executeTakeFirstOrThrow();
      expect(enrolment.consumed_at).toBeNull();
      const added = await t.ctx.db.kysely
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'factor.added')
        .execute();
      expect(added).toHaveLength(0);
      const retry = await owner.post('/api/v1/me/factors/totp/confirm', body);
      expect(retry.statusCode).toBe(200);
      expect(await stateOf(t.ctx.db, ownerId)).toEqual({ factors: 1, enabled: true, codeRows: 10, codeSets: 1 });
    });
  },
);

/** The rows a phone or passkey enrolment leaves behind. */
async function enrolmentLeft(t: TestApp, userId: string, table: 'phone_factors' | 'passkey_credentials') {
  const db = t.ctx.db.kysely;
  const factors = await db.selectFrom(table).select('id').where('user_id', '=', userId).execute();
  const user = await db
    .selectFrom('users')
    .select('two_factor_enabled')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const codes = await db.selectFrom('backup_codes').select('id').where('user_id', '=', userId).execute();
  const added = await db.selectFrom('audit_events').select('id').where('event', '=', 'factor.added').execute();
  return {
    factors: factors.length,
    enabled: Number(user.two_factor_enabled) === 1,
    codes: codes.length,
    added: added.length,
  };
}

describe.each(DIALECTS)(
  'a failed last write inside a phone or passkey enrolment rolls the whole enrolment back (%s)',
  (dialect) => {
    it('phone: no number, 2FA off and the number still pending; the same code then works', async () => {
      const t = await createTestApp(dialect);
      cleanups.push(() => t.close());
      const { owner, ownerId } = await setUpOwner(t);
      expect((await owner.post('/api/v1/me/reauthenticate', { password: TEST_OWNER.password })).statusCode).toBe(200);
      const start = await owner.post('/api/v1/me/factors/phone', { phone: PHONE_NUMBER, channel: 'sms' });
      expect(start.statusCode).toBe(202);
      const body = {
        enrollmentId: (start.json() as { enrollmentId: string }).enrollmentId,
        code: (await lastPhoneCode(t)).code,
      };
      await sql`alter table backup_codes rename to backup_codes_away`.execute(t.ctx.db.kysely);
      expect((await owner.post('/api/v1/me/factors/phone/confirm', body)).statusCode).toBe(500);
      await sql`alter table backup_codes_away rename to backup_codes`.execute(t.ctx.db.kysely);
      expect(await enrolmentLeft(t, ownerId, 'phone_factors')).toEqual({
        factors: 0,
        enabled: false,
        codes: 0,
        added: 0,
      });
      const retry = await owner.post('/api/v1/me/factors/phone/confirm', body);
      expect(retry.statusCode, retry.body).toBe(200);
      expect((retry.json() as { backupCodes: string[] }).backupCodes).toHaveLength(10);
      expect(await enrolmentLeft(t, ownerId, 'phone_factors')).toEqual({
        factors: 1,
        enabled: true,
        codes: 10,
        added: 1,
      });
    });

    it('passkey: no passkey and 2FA off; adding it again works', async () => {
      const t = await createTestApp(dialect);
      cleanups.push(() => t.close());
      const { owner, ownerId } = await setUpOwner(t);
      const key = new SoftAuthenticator({ origin: TEST_ORIGIN });
      expect((await owner.post('/api/v1/me/reauthenticate', { password: TEST_OWNER.password })).statusCode).toBe(200);
      const options = await owner.post('/api/v1/me/factors/passkey/options', { label: 'Laptop' });
      await sql`alter table backup_codes rename to backup_codes_away`.execute(t.ctx.db.kysely);
      const failed = await owner.post('/api/v1/me/factors/passkey', { response: key.create(options.json()) });
      expect(failed.statusCode).toBe(500);
      await sql`alter table backup_codes_away rename to backup_codes`.execute(t.ctx.db.kysely);
      expect(await enrolmentLeft(t, ownerId, 'passkey_credentials')).toEqual({
        factors: 0,
        enabled: false,
        codes: 0,
        added: 0,
      });
      const again = await owner.post('/api/v1/me/factors/passkey/options', { label: 'Laptop' });
      const done = await owner.post('/api/v1/me/factors/passkey', { response: key.create(again.json()) });
      expect(done.statusCode, done.body).toBe(200);
      expect(await enrolmentLeft(t, ownerId, 'passkey_credentials')).toEqual({
        factors: 1,
        enabled: true,
        codes: 10,
        added: 1,
      });
    });
  },
);
