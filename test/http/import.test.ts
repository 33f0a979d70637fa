/**
 * Bulk import: hashes from other systems verified as they are and re-hashed with argon2id at the next
 * sign-in; imported TOTP seeds keep working; rejected rows reported without secrets; batches resumable.
 */
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import bcrypt from 'bcryptjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { codeAt } from '../helpers/two-factor.ts';
import { BUILT_CLI } from '../helpers/process.ts';
import { hashPassword } from '../../src/crypto/password.ts';
import { importMembers } from '../../src/import/importer.ts';

const PASSWORD = 'moving-in-from-elsewhere-42';
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function scryptPasslib(password: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password, salt, 32, { N: 2 ** 14, r: 8, p: 1 });
  return `$scrypt$ln=14,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
}
function pbkdf2Django(password: string): string {
  const salt = 'djangosalt123';
  return `pbkdf2_sha256$100000$${salt}$${crypto.pbkdf2Sync(password, salt, 100000, 32, 'sha256').toString('base64')}`;
}
function pbkdf2Passlib(password: string): string {
  const salt = crypto.randomBytes(16);
  const ab64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
  return `$pbkdf2-sha256$29000$${ab64(salt)}$${ab64(crypto.pbkdf2Sync(password, salt, 29000, 32, 'sha256'))}`;
}

describe.each(DIALECTS)('bulk import (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  async function run(lines: string[], resumeKey: string | null = null) {
    const rejected: Array<{ line: number; reason: string }> = [];
    const report = await importMembers(t.ctx, Readable.from(lines.map((l) => `${l}\n`)), {
      format: 'jsonl',
      resumeKey,
      onRejected: (line, _email, reason) => rejected.push({ line, reason }),
    });
    return { report, rejected };
  }

  it('verifies argon2, bcrypt, scrypt and PBKDF2 hashes as they are, then re-hashes them with argon2id', async () => {
    const hashes = {
      argon2: await hashPassword(PASSWORD),
      bcrypt: await bcrypt.hash(PASSWORD, 10),
      scrypt: scryptPasslib(PASSWORD),
      django: pbkdf2Django(PASSWORD),
      passlib: pbkdf2Passlib(PASSWORD),
    };
    const lines = Object.entries(hashes).map(([kind, h]) =>
      JSON.stringify({ email: `${kind}@import.test`, org: 'Imported Clinic', role: 'staff', passwordHash: h }),
    );
    const { report } = await run(lines);
    expect(report).toMatchObject({ read: 5, imported: 5, rejected: 0 });
    for (const kind of Object.keys(hashes)) {
      const client = new Client(t.app, `10.20.0.${kind.length}`);
      expect(
        (await client.post('/api/v1/sign-in', { email: `${kind}@import.test`, password: 'wrong-password-for-this' }))
          .statusCode,
      ).toBe(401);
      const ok = await client.post('/api/v1/sign-in', { email: `${kind}@import.test`, password: PASSWORD });
      expect([kind, ok.json().status]).toEqual([kind, 'signed_in']);
      const row = await t.ctx.db.kysely
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', `${kind}@import.test`)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    }
  });

  it('keeps an imported authenticator seed working, sealed at rest', async () => {
    await run([
      JSON.stringify({
        email: 'seeded@import.test',
        org: 'Imported Clinic',
        role: 'client',
        passwordHash: await hashPassword(PASSWORD),
        totpSecret: SEED.toLowerCase(),
      }),
    ]);
    const sealed = await t.ctx.db.kysely.selectFrom('totp_factors').select('secret_sealed').executeTakeFirstOrThrow();
    expect(sealed.secret_sealed).not.toContain(SEED);
    const client = new Client(t.app);
    expect(
      (await client.post('/api/v1/sign-in', { email: 'seeded@import.test', password: PASSWORD })).json().status,
    ).toBe('second_factor_required');
    expect(
      (await client.post('/api/v1/sign-in/verify', { method: 'totp', code: codeAt(SEED, t.clock.now()) })).statusCode,
    ).toBe(200);
  });

  it('reports rejected rows with a reason and never their secrets; an existing account only gains the membership', async () => {
    const secretHash = pbkdf2Django(PASSWORD);
    await run([
      JSON.stringify({ email: 'dup@import.test', org: 'First Org', role: 'staff', passwordHash: secretHash }),
    ]);
    const { report, rejected } = await run([
      'not json',
      JSON.stringify({ email: 'not-an-email', org: 'Org', role: 'staff' }),
      JSON.stringify({ email: 'a@import.test', org: 'Org', role: 'boss' }),
      JSON.stringify({
        email: 'b@import.test',
        org: 'Org',
        role: 'staff',
        passwordHash: 'md5:5f4dcc3b5aa765d61d8327deb882cf99',
      }),
      JSON.stringify({ email: 'c@import.test', org: 'Org', role: 'staff', totpSecret: 'JBSWY3DP' }),
      JSON.stringify({
        email: 'dup@import.test',
        org: 'Second Org',
        role: 'admin',
        passwordHash: pbkdf2Django('another-password-9'),
      }),
    ]);
    expect(report).toMatchObject({ read: 6, imported: 0, existing: 1, rejected: 5 });
    expect(rejected.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.stringify(rejected)).not.toMatch(/5f4dcc3b|JBSWY3DP/);
    const user = await t.ctx.db.kysely
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', 'dup@import.test')
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toBe(secretHash);
    const orgs = await t.ctx.db.kysely
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', user.id)
      .execute();
    expect(orgs.map((o) => o.role).sort()).toEqual(['admin', 'staff']);
  });

  it('resumes after the last committed batch', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({ email: `u${i}@bulk.test`, org: 'Bulk Org', role: 'client' }),
    );
    // A first run that committed two batches of 1000 before it was stopped:
    await run(lines.slice(0, 2000), 'bulk-file');
    const again = await run(lines, 'bulk-file');
    expect(again.report).toMatchObject({ resumedAfterLine: 2000, read: 500, imported: 500, rejected: 0 });
    const count = await t.ctx.db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2500);
  });
});

describe('twofold import (command line)', () => {
  it('imports a CSV, writes rejected rows beside it, prints no secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-import-'));
    const file = path.join(dir, 'members.csv');
    const hashed = pbkdf2Django(PASSWORD);
    fs.writeFileSync(
      file,
      `email,org,role,name,password_hash,totp_secret\nann@csv.test,CSV Clinic,staff,"Ann, RN",${hashed},${SEED}\nbad,CSV Clinic,staff,,,\n`,
    );
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      DATA_DIR: dir,
      TEST_DATABASE_URL: '',
    };
    const out = execFileSync(process.execPath, [...BUILT_CLI, 'import', file], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('read 2 rows: 1 new accounts, 0 already there, 1 rejected');
    expect(out).not.toContain(hashed);
    expect(out).not.toContain(SEED);
    const rejected = fs
      .readFileSync(`${file}.rejected.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejected).toEqual([{ line: 3, email: 'bad', reason: 'email is missing or not valid' }]);
  });
});
