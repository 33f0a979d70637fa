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

/**
 * Where test databases live: the run's scratch folder (test/helpers/global-setup.ts: memory-backed /dev/shm
 * when there is one, so SQLite's file writes and syncs cost nothing), else the system's temporary folder.
 */
const SCRATCH = process.env.TWOFOLD_TEST_SCRATCH ?? os.tmpdir();

/** A migrated SQLite file, made once per test file and copied for each database (migrating took ~50 ms). */
let sqliteTemplate: Promise<string> | null = null;
function migratedSqliteFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = fs.mkdtempSync(path.join(SCRATCH, 'twofold-template-'));
    const file = path.join(dir, 'template.db');
    const db = openDatabase(`sqlite:${file}`);
    await migrate(db);
    await db.close(); // checkpoints the WAL into the file; the folder goes with the run's scratch folder
    return file;
  })();
  return sqliteTemplate;
}

/**
 * PostgreSQL schemas already migrated and emptied, for the next database of this test file: creating a schema
 * and running every migration took ~0.5 s per test, emptying one takes one TRUNCATE. What is left over when
 * the file ends is dropped (dropSpareSchemas, registered in test/helpers/setup.ts).
 */
const spareSchemas: string[] = [];
const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock'];

async function withAdmin<R>(serverUrl: string, work: (admin: pg.Client) => Promise<R>): Promise<R> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function tablesOf(admin: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'
     order by table_name`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

/** The tables a freshly migrated schema has (read once per test file). */
let migratedTables: string | null = null;

/**
 * Empties a test schema's tables (not the migrations' bookkeeping) so that another test can use it; false
 * when its tables are not exactly those of a migrated schema (a test renamed or dropped one).
 */
async function emptied(admin: pg.Client, schema: string): Promise<boolean> {
  const tables = await tablesOf(admin, schema);
  if (tables.join(',') !== migratedTables) return false;
  const data = tables.filter((name) => !KYSELY_TABLES.includes(name));
  await admin.query(`truncate ${data.map((name) => `${schema}."${name}"`).join(', ')} restart identity cascade`);
  return true;
}

export async function dropSpareSchemas(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const schemas = spareSchemas.splice(0);
  if (!serverUrl || schemas.length === 0) return;
  await withAdmin(serverUrl, async (admin) => {
    for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
  });
}

export async function openTestDb(dialect: DialectName): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(SCRATCH, 'twofold-test-'));
    const file = path.join(dir, 'test.db');
    fs.copyFileSync(await migratedSqliteFile(), file);
    const db = openDatabase(`sqlite:${file}`);
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
    const reused = spareSchemas.pop();
    const schema =
      reused ??
      `t_${randomToken(6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`;
    if (!reused) await withAdmin(serverUrl, (admin) => admin.query(`create schema ${schema}`));
    const db = openDatabase(serverUrl, { pgSchema: schema, poolSize: 20 });
    if (!reused) {
      await migrate(db);
      migratedTables ??= (await withAdmin(serverUrl, (admin) => tablesOf(admin, schema))).join(',');
    }
    return {
      db,
      url: null,
      async close() {
        await db.close();
        await withAdmin(serverUrl, async (admin) => {
          // A schema whose tables are all there again is reused; anything else is dropped.
          if (await emptied(admin, schema).catch(() => false)) spareSchemas.push(schema);
          else await admin.query(`drop schema if exists ${schema} cascade`);
        });
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
