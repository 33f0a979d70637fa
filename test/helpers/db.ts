/**
 * The databases every storage and HTTP suite runs against: SQLite, and PostgreSQL — the server named by
 * TEST_DATABASE_URL (a fresh schema per database), or PGlite in process when it is not set. Never skipped.
 * DIALECTS=sqlite or DIALECTS=postgres narrows a run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, openWithDialect, migrate, type Db, type DialectName } from '../../src/db/connect.ts';
import { randomToken } from '../../src/crypto/index.ts';
import { pgliteDialect } from './pglite-dialect.ts';

export const DIALECTS: DialectName[] = (process.env.DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === 'sqlite' || d === 'postgres');

export interface TestDb {
  readonly db: Db;
  /** The URL another process can open (SQLite file or PostgreSQL with schema), when there is one. */
  readonly url: string | null;
  close(): Promise<void>;
}

export async function openTestDb(dialect: DialectName): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-test-'));
    const file = path.join(dir, 'test.db');
    const db = openDatabase(`sqlite:${file}`);
    await migrate(db);
    return {
      db,
      url: `sqlite:${file}`,
      async close() {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const schema = `t_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const db = openDatabase(serverUrl, { pgSchema: schema, poolSize: 20 });
    await migrate(db);
    return {
      db,
      url: null,
      async close() {
        await db.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop schema ${schema} cascade`);
        await cleanup.end();
      },
    };
  }
  const lite = pgliteDialect();
  const db = openWithDialect(lite.dialect, 'postgres');
  await migrate(db);
  return {
    db,
    url: null,
    async close() {
      await db.close();
    },
  };
}
