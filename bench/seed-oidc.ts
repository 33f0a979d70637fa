/**
 * Registers the app (OpenID Connect client) of the benchmark's OIDC phase (bench/phases-oidc.ts), directly in
 * a database already seeded by bench/seed.ts: one confidential app of the bench org, registered by its
 * owner, with a real 256-bit secret stored the way createClient stores it — `secretHashes` (src/oidc/clients.ts)
 * under the keyring built from TWOFOLD_SECRET_KEY, as the server builds it (key id "env", loadKeyring).
 * The server compares a presented secret by hashing it under the same keyring, so the loader can
 * authenticate with client_secret_basic exactly as a real app would.
 *
 *   TWOFOLD_SECRET_KEY=… node --import tsx bench/seed-oidc.ts --database-url URL --out FILE [--pg-schema S]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../src/db/connect.ts';
import { keyringFromMasterKeys } from '../src/crypto/keyring.ts';
import { randomToken } from '../src/crypto/index.ts';
import { systemClock } from '../src/core/clock.ts';
import { secretHashes } from '../src/oidc/clients.ts';
import { BENCH_ORG } from './seed.ts';

/** Where the app wants its users back: never fetched, the loader only reads the code from the Location. */
export const BENCH_REDIRECT_URI = 'https://app.bench.example/callback';

export interface OidcFixture {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

export async function seedOidcClient(options: {
  databaseUrl: string;
  pgSchema?: string;
  secretKey: string;
}): Promise<OidcFixture> {
  const db = openDatabase(options.databaseUrl, options.pgSchema ? { pgSchema: options.pgSchema } : {});
  try {
    const keyring = keyringFromMasterKeys(
      'env',
      new Map([['env', new Uint8Array(Buffer.from(options.secretKey, 'base64url'))]]),
    );
    const org = await db.kysely.selectFrom('orgs').select('id').where('name', '=', BENCH_ORG).executeTakeFirstOrThrow();
    const owner = await db.kysely
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', org.id)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    // As createClient (src/oidc/clients.ts) writes it: id tfc_…, secret tfcs_… (32 random bytes), keyed hash only.
    const clientId = `tfc_${randomToken(16)}`;
    const clientSecret = `tfcs_${randomToken(32)}`;
    const now = systemClock().toISOString();
    await db.kysely
      .insertInto('oidc_clients')
      .values({
        id: clientId,
        org_id: org.id,
        name: 'Bench app',
        kind: 'confidential',
        secret_hash: secretHashes({ keyring }, clientSecret)[0]!,
        token_auth_method: 'client_secret_basic',
        redirect_uris: JSON.stringify([BENCH_REDIRECT_URI]),
        post_logout_redirect_uris: JSON.stringify([]),
        created_by: owner.user_id,
        created_at: now,
        updated_at: now,
        secret_rotated_at: null,
      })
      .execute();
    return { clientId, clientSecret, redirectUri: BENCH_REDIRECT_URI };
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'database-url': { type: 'string' }, 'pg-schema': { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const secretKey = process.env.TWOFOLD_SECRET_KEY;
  if (!values['database-url'] || !values.out || !secretKey) {
    throw new Error('usage: TWOFOLD_SECRET_KEY=… seed-oidc.ts --database-url URL --out FILE [--pg-schema S]');
  }
  const fixture = await seedOidcClient({
    databaseUrl: values['database-url'],
    ...(values['pg-schema'] ? { pgSchema: values['pg-schema'] } : {}),
    secretKey,
  });
  fs.writeFileSync(values.out, JSON.stringify(fixture));
  process.stdout.write(
    `registered OIDC app ${fixture.clientId} (confidential, client_secret_basic, ${fixture.redirectUri})\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed-oidc failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
