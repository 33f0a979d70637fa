/**
 * Seeds the fixtures of the other second factors and of the growth phase, directly through the app's
 * own modules (no HTTP). Two modes:
 *
 *   factors — into a database already seeded by bench/seed.ts (its org is reused):
 *     P users with one ES256 passkey each (the row insertPasskey would write after a registration with
 *     test/helpers/soft-authenticator.ts: COSE public key, counter 0) and one pending sign-in challenge
 *     each (createChallenge, first step "pwd", as the password step leaves it);
 *     B users with a fresh set of backup codes (issueBackupCodes, HMAC'd with the keyring built from
 *     TWOFOLD_SECRET_KEY, as the server builds it) and one pending challenge each; the fixture keeps
 *     one of the user's codes (picked at random), so every request spends a different code.
 *
 *   grow — imports users [FROM, TO) through the bulk import (src/import/importer.ts importMembers) from
 *     a generated JSON Lines stream; each user's TOTP seed is derived from its index (growthSecret), so
 *     the loader recomputes codes without a fixture of a million secrets. Then creates one pending
 *     challenge for each of K users drawn at random from [0, TO), never one drawn before (each user
 *     signs in once: a TOTP code is accepted once per 30 s step). The first W of them get a second
 *     challenge, for the warm-up, which the loader answers with the previous step's code (inside the
 *     ±1 step window, and older than the step the measured request then uses).
 *
 *   TWOFOLD_SECRET_KEY=… node --import tsx bench/seed-factors.ts --mode factors --database-url URL \
 *     --passkeys 3000 --backup 3000 --out FILE [--pg-schema S]
 *   TWOFOLD_SECRET_KEY=… node --import tsx bench/seed-factors.ts --mode grow --database-url URL \
 *     --from 0 --to 1000 --challenges 1000 --warmup 500 --exclude FILE --out FILE [--pg-schema S]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolveConfig } from '../src/config/index.ts';
import { openDatabase, migrate, wrapKysely } from '../src/db/connect.ts';
import { keyringFromMasterKeys } from '../src/crypto/keyring.ts';
import { hashPassword } from '../src/crypto/password.ts';
import { randomId } from '../src/crypto/index.ts';
import { normalisePassword } from '../src/core/password-policy.ts';
import { base32Encode } from '../src/core/base32.ts';
import { systemClock } from '../src/core/clock.ts';
import { createMailQueue } from '../src/mail/queue.ts';
import { outboxTransport } from '../src/mail/transport.ts';
import { createChallenge } from '../src/sessions/challenge.ts';
import { issueBackupCodes } from '../src/factors/backup-codes/store.ts';
import { importMembers } from '../src/import/importer.ts';
import type { Ctx } from '../src/context.ts';
import { BENCH_ORG, BENCH_PASSWORD } from './seed.ts';
import { composeEvents } from '../src/compose.ts';

export interface PasskeyFixture {
  /** Index for the simulated client address (distinct from the TOTP users'). */
  readonly user: number;
  readonly userId: string;
  /** base64url credential id. */
  readonly credentialId: string;
  /** PKCS#8 DER, base64url. */
  readonly privateKey: string;
  /** COSE public key, base64url (as stored). */
  readonly cose: string;
  readonly token: string;
}

export interface BackupFixture {
  readonly user: number;
  readonly code: string;
  readonly token: string;
}

export interface FactorsFixture {
  readonly passkeys: PasskeyFixture[];
  readonly backup: BackupFixture[];
}

export interface GrowthFixture {
  readonly imported: number;
  readonly importSeconds: number;
  readonly challenges: { readonly token: string; readonly user: number }[];
  /** A second challenge for some of the same users, spent first (warm-up) with the previous step's code. */
  readonly warmup: { readonly token: string; readonly user: number }[];
}

/** Client-address indices of the passkey and backup-code users (above every TOTP user's). */
export const PASSKEY_USER_BASE = 4_000_000;
export const BACKUP_USER_BASE = 5_000_000;
/** Client-address indices of the growth users. */
export const GROWTH_USER_BASE = 8_000_000;
export const GROWTH_ORG = 'Growth Org';

/** The TOTP seed (20 bytes) of growth user `index`: derived, so neither side keeps a million of them. */
export function growthSecret(index: number): Uint8Array {
  return new Uint8Array(crypto.createHash('sha256').update(`twofold-bench-growth-${index}`).digest().subarray(0, 20));
}

export function growthEmail(index: number): string {
  return `grow${index}@bench.example`;
}

const BATCH = 500;

/** The little CBOR a COSE EC2 key needs (RFC 8949 / RFC 9053): small ints, byte strings, one map. */
function coseEs256(x: Buffer, y: Buffer): Buffer {
  const int = (n: number): Buffer => Buffer.from([n >= 0 ? n : 0x20 | (-1 - n)]);
  const bytes = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0x58, b.length]), b]);
  return Buffer.concat([
    Buffer.from([0xa5]),
    int(1),
    int(2),
    int(3),
    Buffer.from([0x26]),
    int(-1),
    int(1),
    int(-2),
    bytes(x),
    int(-3),
    bytes(y),
  ]);
}

function contextFor(databaseUrl: string, pgSchema: string | undefined, secretKey: string) {
  const config = resolveConfig({ DATABASE_URL: databaseUrl, TWOFOLD_SECRET_KEY: secretKey, LOG_LEVEL: 'silent' });
  const db = openDatabase(databaseUrl, pgSchema ? { pgSchema } : {});
  const keyring = keyringFromMasterKeys('env', new Map([['env', new Uint8Array(Buffer.from(secretKey, 'base64url'))]]));
  const ctx: Ctx = {
    db,
    keyring,
    clock: systemClock,
    mail: createMailQueue(db, outboxTransport()),
    config,
    events: composeEvents(),
  };
  return ctx;
}

export async function seedFactors(options: {
  databaseUrl: string;
  pgSchema?: string;
  secretKey: string;
  passkeys: number;
  backup: number;
}): Promise<FactorsFixture> {
  const ctx = contextFor(options.databaseUrl, options.pgSchema, options.secretKey);
  const { db } = ctx;
  try {
    const org = await db.kysely.selectFrom('orgs').select('id').where('name', '=', BENCH_ORG).executeTakeFirstOrThrow();
    const passwordHash = await hashPassword(normalisePassword(BENCH_PASSWORD));
    const now = systemClock().toISOString();
    const passkeys: PasskeyFixture[] = [];
    const backup: BackupFixture[] = [];
    await db.kysely.transaction().execute(async (trx) => {
      const trxCtx: Ctx = { ...ctx, db: wrapKysely(trx, db.dialect, db.pgSchema) };
      const userRow = (id: string, kind: string, i: number, method: string) => ({
        id,
        email: `${kind}${i}@bench.example`,
        name: `Bench ${kind} ${i}`,
        password_hash: passwordHash,
        two_factor_enabled: 1,
        default_method: method,
        created_at: now,
        updated_at: now,
        last_sign_in_at: null,
      });
      // Passkey users.
      const passkeyUsers: { id: string; fixture: Omit<PasskeyFixture, 'token'> }[] = [];
      for (let start = 0; start < options.passkeys; start += BATCH) {
        const users = [];
        const credentials = [];
        const members = [];
        for (let i = start; i < Math.min(options.passkeys, start + BATCH); i++) {
          const userId = randomId();
          const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
          const jwk = publicKey.export({ format: 'jwk' });
          const cose = coseEs256(Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')).toString(
            'base64url',
          );
          const credentialId = crypto.randomBytes(32).toString('base64url');
          users.push(userRow(userId, 'passkey', i, 'passkey'));
          credentials.push({
            id: randomId(),
            user_id: userId,
            credential_id: credentialId,
            public_key: cose,
            counter: 0,
            transports: JSON.stringify(['internal']),
            device_type: 'singleDevice' as const,
            backed_up: 0,
            label: 'Laptop',
            aaguid: '00000000-0000-0000-0000-000000000000',
            created_at: now,
            last_used_at: null,
          });
          members.push({
            org_id: org.id,
            user_id: userId,
            role: 'staff' as const,
            created_at: now,
            role_changed_at: now,
          });
          passkeyUsers.push({
            id: userId,
            fixture: {
              user: PASSKEY_USER_BASE + i,
              userId,
              credentialId,
              cose,
              privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'),
            },
          });
        }
        await trx.insertInto('users').values(users).execute();
        await trx.insertInto('passkey_credentials').values(credentials).execute();
        await trx.insertInto('memberships').values(members).execute();
      }
      for (const { id, fixture } of passkeyUsers) {
        const { token } = await createChallenge(trxCtx, id);
        passkeys.push({ ...fixture, token });
      }
      // Backup-code users.
      const backupUsers: string[] = [];
      for (let start = 0; start < options.backup; start += BATCH) {
        const users = [];
        const members = [];
        for (let i = start; i < Math.min(options.backup, start + BATCH); i++) {
          const userId = randomId();
          users.push(userRow(userId, 'backup', i, 'backup_code'));
          members.push({
            org_id: org.id,
            user_id: userId,
            role: 'staff' as const,
            created_at: now,
            role_changed_at: now,
          });
          backupUsers.push(userId);
        }
        await trx.insertInto('users').values(users).execute();
        await trx.insertInto('memberships').values(members).execute();
      }
      for (const [i, userId] of backupUsers.entries()) {
        const codes = await issueBackupCodes(trxCtx, userId);
        const { token } = await createChallenge(trxCtx, userId);
        backup.push({ user: BACKUP_USER_BASE + i, code: codes[crypto.randomInt(codes.length)]!, token });
      }
    });
    return { passkeys, backup };
  } finally {
    await ctx.db.close();
  }
}

function* growthLines(from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) {
    yield `${JSON.stringify({ email: growthEmail(i), org: GROWTH_ORG, role: 'staff', name: `Grow ${i}`, totp_secret: base32Encode(growthSecret(i)) })}\n`;
  }
}

export async function seedGrowth(options: {
  databaseUrl: string;
  pgSchema?: string;
  secretKey: string;
  from: number;
  to: number;
  challenges: number;
  warmup: number;
  exclude: ReadonlySet<number>;
}): Promise<GrowthFixture> {
  const ctx = contextFor(options.databaseUrl, options.pgSchema, options.secretKey);
  try {
    await migrate(ctx.db);
    const started = performance.now();
    const report = await importMembers(ctx, Readable.from(growthLines(options.from, options.to)), {
      format: 'jsonl',
      resumeKey: null,
    });
    const importSeconds = (performance.now() - started) / 1000;
    if (report.rejected > 0 || report.imported !== options.to - options.from)
      throw new Error(`import: ${JSON.stringify(report)}`);
    // K users drawn at random from the whole population, none drawn before.
    const picked: number[] = [];
    const taken = new Set(options.exclude);
    const available = options.to - taken.size;
    if (available < options.challenges)
      throw new Error(`only ${available} users left for ${options.challenges} challenges`);
    while (picked.length < options.challenges) {
      const i = crypto.randomInt(options.to);
      if (taken.has(i)) continue;
      taken.add(i);
      picked.push(i);
    }
    const challenges: { token: string; user: number }[] = [];
    const warmup: { token: string; user: number }[] = [];
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const trxCtx: Ctx = { ...ctx, db: wrapKysely(trx, ctx.db.dialect, ctx.db.pgSchema) };
      for (let start = 0; start < picked.length; start += BATCH) {
        const slice = picked.slice(start, start + BATCH);
        const rows = await trx
          .selectFrom('users')
          .select(['id', 'email'])
          .where('email', 'in', slice.map(growthEmail))
          .execute();
        const ids = new Map(rows.map((r) => [r.email, r.id]));
        for (const i of slice) {
          const userId = ids.get(growthEmail(i))!;
          const { token } = await createChallenge(trxCtx, userId);
          challenges.push({ token, user: i });
          if (warmup.length < options.warmup)
            warmup.push({ token: (await createChallenge(trxCtx, userId)).token, user: i });
        }
      }
    });
    return { imported: report.imported, importSeconds, challenges, warmup };
  } finally {
    await ctx.db.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      'database-url': { type: 'string' },
      'pg-schema': { type: 'string' },
      out: { type: 'string' },
      passkeys: { type: 'string' },
      backup: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      challenges: { type: 'string' },
      warmup: { type: 'string' },
      exclude: { type: 'string' },
    },
    strict: true,
  });
  const secretKey = process.env.TWOFOLD_SECRET_KEY;
  const databaseUrl = values['database-url'];
  if (!databaseUrl || !values.out || !secretKey || (values.mode !== 'factors' && values.mode !== 'grow')) {
    throw new Error('usage: TWOFOLD_SECRET_KEY=… seed-factors.ts --mode factors|grow --database-url URL --out FILE …');
  }
  const schema = values['pg-schema'] ? { pgSchema: values['pg-schema'] } : {};
  const started = performance.now();
  if (values.mode === 'factors') {
    const fixture = await seedFactors({
      databaseUrl,
      ...schema,
      secretKey,
      passkeys: Number(values.passkeys ?? 0),
      backup: Number(values.backup ?? 0),
    });
    fs.writeFileSync(values.out, JSON.stringify(fixture));
    process.stdout.write(
      `seeded ${fixture.passkeys.length} passkey users and ${fixture.backup.length} backup-code users, a challenge each, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return;
  }
  const exclude = new Set<number>(
    values.exclude && fs.existsSync(values.exclude)
      ? (JSON.parse(fs.readFileSync(values.exclude, 'utf8')) as number[])
      : [],
  );
  const fixture = await seedGrowth({
    databaseUrl,
    ...schema,
    secretKey,
    from: Number(values.from ?? 0),
    to: Number(values.to ?? 0),
    challenges: Number(values.challenges ?? 0),
    warmup: Number(values.warmup ?? 0),
    exclude,
  });
  fs.writeFileSync(values.out, JSON.stringify(fixture));
  process.stdout.write(
    `imported ${fixture.imported} users through importMembers in ${fixture.importSeconds.toFixed(1)} s (${(fixture.imported / fixture.importSeconds).toFixed(0)}/s); ${fixture.challenges.length} challenges; ${((performance.now() - started) / 1000).toFixed(1)} s in all\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed-factors failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
