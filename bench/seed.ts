/**
 * Seeds a twofold database directly through the app's own modules (no HTTP): one organization, N users
 * who each have a confirmed TOTP factor (sealed with the server key from TWOFOLD_SECRET_KEY, exactly as
 * src/factors/totp/store.ts seals it) and a membership, plus one pending sign-in challenge
 * (createChallenge) for each user of a chosen range.
 *
 * One password is hashed once with hashPassword and the PHC string is reused for every user row, so
 * seeding costs no per-user argon2.
 *
 * Writes a JSON fixture for the load generator: the password, each user's email and TOTP secret, and
 * the challenge tokens (with their user's index).
 *
 *   TWOFOLD_SECRET_KEY=… node --import tsx bench/seed.ts --database-url sqlite:/tmp/x.db \
 *     --users 30000 --challenges 100:30000 --out /tmp/fixture.json [--pg-schema bench_x]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolveConfig } from '../src/config/index.ts';
import { openDatabase, migrate, wrapKysely } from '../src/db/connect.ts';
import { keyringFromMasterKeys } from '../src/crypto/keyring.ts';
import { hashPassword } from '../src/crypto/password.ts';
import { randomBytes, randomId } from '../src/crypto/index.ts';
import { normalisePassword } from '../src/core/password-policy.ts';
import { TOTP_SECRET_BYTES } from '../src/core/otp.ts';
import { systemClock } from '../src/core/clock.ts';
import { createMailQueue } from '../src/mail/queue.ts';
import { outboxTransport } from '../src/mail/transport.ts';
import { setUp } from '../src/flows/setup.ts';
import { OPERATOR } from '../src/flows/operator.ts';
import { createChallenge } from '../src/sessions/challenge.ts';
import type { Ctx } from '../src/context.ts';
import { composeEvents } from '../src/compose.ts';

export const BENCH_PASSWORD = 'bench-Quartz-Meadow-7391';
export const BENCH_ORG = 'Bench Org';

export interface Fixture {
  readonly password: string;
  readonly users: { readonly email: string; readonly secret: string }[];
  readonly challenges: { readonly token: string; readonly user: number }[];
}

export interface SeedOptions {
  readonly databaseUrl: string;
  readonly pgSchema?: string;
  readonly secretKey: string;
  readonly users: number;
  /** Users [from, to) get one pending challenge each. */
  readonly challengeFrom: number;
  readonly challengeTo: number;
}

const BATCH = 500;

export function benchEmail(index: number): string {
  return `user${index}@bench.example`;
}

export async function seed(options: SeedOptions): Promise<Fixture> {
  const config = resolveConfig({
    DATABASE_URL: options.databaseUrl,
    TWOFOLD_SECRET_KEY: options.secretKey,
    LOG_LEVEL: 'silent',
  });
  const db = openDatabase(options.databaseUrl, options.pgSchema ? { pgSchema: options.pgSchema } : {});
  try {
    await migrate(db);
    const keyring = keyringFromMasterKeys(
      'env',
      new Map([['env', new Uint8Array(Buffer.from(options.secretKey, 'base64url'))]]),
    );
    const ctx: Ctx = {
      db,
      keyring,
      clock: systemClock,
      mail: createMailQueue(db, outboxTransport()),
      config,
      events: composeEvents(),
    };

    // The org and its owner, through the first-run set-up (the owner is not used by the load).
    const { org } = await setUp(ctx, OPERATOR, {
      orgName: BENCH_ORG,
      email: 'owner@bench.example',
      password: BENCH_PASSWORD,
    });
    const passwordHash = await hashPassword(normalisePassword(BENCH_PASSWORD));

    const now = systemClock().toISOString();
    const users: { email: string; secret: string }[] = [];
    const userIds: string[] = [];
    const challenges: { token: string; user: number }[] = [];
    await db.kysely.transaction().execute(async (trx) => {
      for (let start = 0; start < options.users; start += BATCH) {
        const userRows = [];
        const factorRows = [];
        const memberRows = [];
        for (let i = start; i < Math.min(options.users, start + BATCH); i++) {
          const userId = randomId();
          const factorId = randomId();
          const secret = randomBytes(TOTP_SECRET_BYTES);
          const { keyId, sealed } = keyring.seal(secret, `totp:${factorId}`);
          const email = benchEmail(i);
          users.push({ email, secret: Buffer.from(secret).toString('base64url') });
          userIds.push(userId);
          userRows.push({
            id: userId,
            email,
            name: `Bench User ${i}`,
            password_hash: passwordHash,
            two_factor_enabled: 1,
            default_method: 'totp',
            created_at: now,
            updated_at: now,
            last_sign_in_at: null,
          });
          factorRows.push({
            id: factorId,
            user_id: userId,
            label: 'Phone',
            secret_sealed: sealed,
            key_id: keyId,
            last_used_step: null,
            created_at: now,
            last_used_at: null,
          });
          memberRows.push({
            org_id: org.id,
            user_id: userId,
            role: 'staff' as const,
            created_at: now,
            role_changed_at: now,
          });
        }
        await trx.insertInto('users').values(userRows).execute();
        await trx.insertInto('totp_factors').values(factorRows).execute();
        await trx.insertInto('memberships').values(memberRows).execute();
      }
      // The pending challenges, as the password step would leave them.
      const trxCtx: Ctx = { ...ctx, db: wrapKysely(trx, db.dialect, db.pgSchema) };
      for (let i = options.challengeFrom; i < options.challengeTo; i++) {
        const { token } = await createChallenge(trxCtx, userIds[i]!);
        challenges.push({ token, user: i });
      }
    });
    return { password: BENCH_PASSWORD, users, challenges };
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      'pg-schema': { type: 'string' },
      users: { type: 'string' },
      challenges: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const secretKey = process.env.TWOFOLD_SECRET_KEY;
  if (!values['database-url'] || !values.users || !values.out || !secretKey) {
    throw new Error(
      'usage: TWOFOLD_SECRET_KEY=… seed.ts --database-url URL --users N [--challenges FROM:TO] --out FILE [--pg-schema S]',
    );
  }
  const users = Number(values.users);
  const [from, to] = (values.challenges ?? '0:0').split(':').map(Number);
  const started = performance.now();
  const fixture = await seed({
    databaseUrl: values['database-url'],
    ...(values['pg-schema'] ? { pgSchema: values['pg-schema'] } : {}),
    secretKey,
    users,
    challengeFrom: from ?? 0,
    challengeTo: to ?? 0,
  });
  fs.writeFileSync(values.out, JSON.stringify(fixture));
  process.stdout.write(
    `seeded ${fixture.users.length} users and ${fixture.challenges.length} challenges in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
