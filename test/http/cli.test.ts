/**
 * The command line (docs/api.md "Process"), run as a real process against a temporary SQLite file: init once,
 * user add, migrate, outbox — with the password only ever on standard input, never echoed back.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { resolveConfig } from '../../src/config/index.ts';
import { ephemeralKeyring } from '../../src/crypto/keyring.ts';
import { systemClock } from '../../src/core/clock.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { createMailQueue } from '../../src/mail/queue.ts';
import { outboxTransport } from '../../src/mail/transport.ts';
import { ORIGIN } from '../helpers/app.ts';
import { BUILT_CLI } from '../helpers/process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OWNER_PASSWORD = 'tundra-pebble-orchid-2718';
const STAFF_PASSWORD = 'cedar-monsoon-falcon-3141';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Each test starts several processes: on a busy machine that takes longer than the default limit.
describe('twofold CLI', { timeout: 90_000 }, () => {
  let dir: string;
  let databaseUrl: string;
  const outputs: string[] = [];

  function cli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...BUILT_CLI, ...args], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: databaseUrl,
          DATA_DIR: path.join(dir, 'data'),
          NODE_NO_WARNINGS: '1',
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        outputs.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(stdin);
    });
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-cli-'));
    databaseUrl = `sqlite:${path.join(dir, 'twofold.db')}`;
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the built command (bin/twofold.js → dist/cli.js, no TypeScript loader) runs', async () => {
    const built = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/twofold.js', 'help'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('user suspend | reactivate --email E');
    expect(fs.readFileSync(path.join(ROOT, 'dist/cli.js'), 'utf8')).not.toContain('tsx');
  });

  it('migrate applies the migrations once, then says the database is up to date', async () => {
    const first = await cli(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: /);
    const second = await cli(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('database is up to date\n');
  });

  it('init reads the password from stdin, creates the org and its owner, emails the owner a verification link, and refuses a second time', async () => {
    const empty = await cli(['outbox']);
    const init = await cli(
      ['init', '--org', 'Acme Clinic', '--email', 'Owner@Acme.test', '--password-stdin'],
      `${OWNER_PASSWORD}\n`,
    );
    expect(empty.stdout).toBe('the outbox is empty\n');
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Acme Clinic');
    expect(init.stdout).toContain('owner@acme.test');
    expect(init.stdout).toContain('sent owner@acme.test a link to verify the email address');
    const outbox = await cli(['outbox']);
    expect(outbox.stdout).toContain('email to owner@acme.test');
    expect(outbox.stdout).toContain('Subject: Confirm your email address');
    expect(outbox.stdout).toContain(`${ORIGIN}/verify-email?token=`);
    // The key file was created in DATA_DIR.
    expect(fs.existsSync(path.join(dir, 'data', 'twofold.key'))).toBe(true);

    const again = await cli(
      ['init', '--org', 'Other Org', '--email', 'other@acme.test', '--password-stdin'],
      `${OWNER_PASSWORD}\n`,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already_set_up');
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('user add adds a member with the given role; bad input exits 1', async () => {
    const [added, noOrg, badRole, weak] = await Promise.all([
      cli(
        ['user', 'add', '--org', 'Acme Clinic', '--email', 'staff@acme.test', '--role', 'staff', '--password-stdin'],
        STAFF_PASSWORD,
      ),
      cli(
        ['user', 'add', '--org', 'No Such Org', '--email', 'x@acme.test', '--role', 'staff', '--password-stdin'],
        STAFF_PASSWORD,
      ),
      cli(
        ['user', 'add', '--org', 'Acme Clinic', '--email', 'y@acme.test', '--role', 'superuser', '--password-stdin'],
        STAFF_PASSWORD,
      ),
      cli(
        ['user', 'add', '--org', 'Acme Clinic', '--email', 'z@acme.test', '--role', 'client', '--password-stdin'],
        'password1234',
      ),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('staff@acme.test');
    expect(added.stdout).toContain('sent staff@acme.test a link to verify the email address');
    for (const failed of [noOrg, badRole, weak]) expect(failed.code).toBe(1);
    expect(weak.stderr).toContain('password_rejected');
    expect(weak.stderr).not.toContain('password1234');
  });

  it('what the CLI created works over HTTP, and outbox prints the email a request queued', async () => {
    const db = openDatabase(databaseUrl);
    const config = resolveConfig({ PUBLIC_URL: ORIGIN, DATABASE_URL: databaseUrl, DATA_DIR: path.join(dir, 'data') });
    const app = await buildApp(config, {
      db,
      keyring: ephemeralKeyring(),
      clock: systemClock,
      mail: createMailQueue(db, outboxTransport()),
    });
    try {
      const members = await db.kysely
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.email', 'm.role'])
        .orderBy('u.email')
        .execute();
      expect(members).toEqual([
        { email: 'owner@acme.test', role: 'owner' },
        { email: 'staff@acme.test', role: 'staff' },
      ]);
      const headers = { origin: ORIGIN, 'content-type': 'application/json' };
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/v1/sign-in',
        headers,
        payload: JSON.stringify({ email: 'staff@acme.test', password: STAFF_PASSWORD }),
      });
      expect(signIn.statusCode).toBe(200);
      const reset = await app.inject({
        method: 'POST',
        url: '/api/v1/password-reset',
        headers,
        payload: JSON.stringify({ email: 'staff@acme.test' }),
      });
      expect(reset.statusCode).toBe(202);
    } finally {
      await app.close();
      await db.close();
    }
    const outbox = await cli(['outbox', '--limit', '5']);
    expect(outbox.code).toBe(0);
    expect(outbox.stdout).toContain('email to staff@acme.test');
    expect(outbox.stdout).toContain('Subject: Reset your password');
    expect(outbox.stdout).toContain(`${ORIGIN}/reset-password?token=`);
    expect((await cli(['outbox', '--limit', 'lots'])).code).toBe(1);
  });

  it('user suspend stops the account signing in; user reactivate lifts it; unknown emails exit 1', async () => {
    const signIn = async (): Promise<number> => {
      const db = openDatabase(databaseUrl);
      const config = resolveConfig({ PUBLIC_URL: ORIGIN, DATABASE_URL: databaseUrl, DATA_DIR: path.join(dir, 'data') });
      const app = await buildApp(config, {
        db,
        keyring: ephemeralKeyring(),
        clock: systemClock,
        mail: createMailQueue(db, outboxTransport()),
      });
      try {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/sign-in',
          headers: { origin: ORIGIN, 'content-type': 'application/json' },
          payload: JSON.stringify({ email: 'staff@acme.test', password: STAFF_PASSWORD }),
        });
        return response.statusCode;
      } finally {
        await app.close();
        await db.close();
      }
    };
    const suspended = await cli(['user', 'suspend', '--email', 'staff@acme.test']);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain('staff@acme.test suspended');
    expect(await signIn()).toBe(403);
    expect((await cli(['user', 'suspend', '--email', 'staff@acme.test'])).stdout).toContain('already suspended');
    expect((await cli(['user', 'reactivate', '--email', 'staff@acme.test'])).stdout).toContain(
      'staff@acme.test reactivated',
    );
    expect(await signIn()).toBe(200);
    expect((await cli(['user', 'suspend', '--email', 'nobody@acme.test'])).code).toBe(1);
  });

  it("init --email-verified vouches for the owner's address and sends nothing; the member list shows who is verified", async () => {
    const other = `sqlite:${path.join(dir, 'vouched.db')}`;
    const init = await cli(
      ['init', '--org', 'Vouched Clinic', '--email', 'boss@vouched.test', '--password-stdin', '--email-verified'],
      `${OWNER_PASSWORD}\n`,
      { DATABASE_URL: other },
    );
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('marked boss@vouched.test as a verified email address');
    expect((await cli(['outbox'], '', { DATABASE_URL: other })).stdout).toBe('the outbox is empty\n');
    const added = await cli(
      [
        'user',
        'add',
        '--org',
        'Vouched Clinic',
        '--email',
        'typed@vouched.test',
        '--role',
        'client',
        '--password-stdin',
      ],
      STAFF_PASSWORD,
      { DATABASE_URL: other },
    );
    expect(added.stdout).toContain('sent typed@vouched.test a link to verify the email address');
    const file = path.join(dir, 'people.jsonl');
    fs.writeFileSync(
      file,
      `${JSON.stringify({ email: 'imported@vouched.test', org: 'Vouched Clinic', role: 'client' })}\n${JSON.stringify({ email: 'boss@vouched.test', org: 'Vouched Clinic', role: 'owner' })}\n`,
    );
    const imported = await cli(['import', file], '', { DATABASE_URL: other });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('1 new accounts');
    expect(imported.stdout).toContain('1 email with a link to verify the address queued');

    const db = openDatabase(other);
    const config = resolveConfig({ PUBLIC_URL: ORIGIN, DATABASE_URL: other, DATA_DIR: path.join(dir, 'data') });
    const app = await buildApp(config, {
      db,
      keyring: ephemeralKeyring(),
      clock: systemClock,
      mail: createMailQueue(db, outboxTransport()),
    });
    try {
      const headers = { origin: ORIGIN, 'content-type': 'application/json' };
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/v1/sign-in',
        headers,
        payload: JSON.stringify({ email: 'boss@vouched.test', password: OWNER_PASSWORD }),
      });
      expect(signIn.statusCode).toBe(200);
      const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const orgs = await app.inject({ method: 'GET', url: '/api/v1/orgs', headers: { cookie } });
      const orgId = (orgs.json() as { orgs: Array<{ id: string }> }).orgs[0]!.id;
      const members = await app.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}/members`, headers: { cookie } });
      const verified = Object.fromEntries(
        (members.json() as { members: Array<{ email: string; emailVerified: boolean }> }).members.map((m) => [
          m.email,
          m.emailVerified,
        ]),
      );
      expect(verified).toEqual({
        'boss@vouched.test': true,
        'typed@vouched.test': false,
        'imported@vouched.test': false,
      });
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('oidc-keys rotate adds a signing key and keeps the previous one published; list shows which signs', async () => {
    const rotations: Run[] = [];
    for (let i = 0; i < 3; i++) rotations.push(await cli(['oidc-keys', 'rotate']));
    for (const r of rotations) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(rotations[2]!.stdout).toMatch(/^new signing key tf-\S+; retired tf-\S+\n$/);
    const list = await cli(['oidc-keys', 'list']);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ signing$/);
    expect(lines[1]).toMatch(/ published$/);
    expect(lines[2]).toMatch(/ retired \S+$/);
  }, 120_000);

  it('no password ever appears on stdout or stderr', () => {
    expect(outputs.length).toBeGreaterThan(10);
    const all = outputs.join('\n');
    expect(all).not.toContain(OWNER_PASSWORD);
    expect(all).not.toContain(STAFF_PASSWORD);
  });
});
