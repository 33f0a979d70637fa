/**
 * The peer under test: better-auth with email + password sign-in and its twoFactor plugin, all at their
 * default settings except the rate limiter (off, as twofold's bench measures throughput, not throttling),
 * on a SQLite file through better-sqlite3, served by a plain node:http server on 127.0.0.1.
 *
 * Environment: PORT (required), BETTER_AUTH_SECRET (required, ≥ 32 characters), DATA_DIR (optional: the
 * directory of the SQLite file; a fresh temporary one otherwise), SQLITE_WAL=1 (optional: the pragmas
 * twofold's own SQLite connection sets, journal_mode=WAL and synchronous=NORMAL, instead of the
 * better-sqlite3 defaults that better-auth's documented `new Database(file)` gets). Prints `ready <port>` on stdout once
 * the schema is migrated and the server listens; nothing per request. Stops on SIGTERM/SIGINT.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins';

const port = Number(process.env.PORT);
const secret = process.env.BETTER_AUTH_SECRET;
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT is required');
if (!secret || secret.length < 32) throw new Error('BETTER_AUTH_SECRET is required (at least 32 characters)');

const dataDir = process.env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'peer-better-auth-'));
const database = new Database(path.join(dataDir, 'auth.sqlite'));
if (process.env.SQLITE_WAL === '1') {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
}
const origin = `http://127.0.0.1:${port}`;

const options = {
  appName: 'peer-bench',
  baseURL: origin,
  secret,
  trustedOrigins: [origin],
  database,
  emailAndPassword: { enabled: true },
  plugins: [twoFactor()],
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { level: 'error' },
} satisfies BetterAuthOptions;

const { runMigrations } = await getMigrations(options);
await runMigrations();

const auth = betterAuth(options);
const server = http.createServer(toNodeHandler(auth));
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  database.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
