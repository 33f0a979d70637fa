/**
 * Opens the database named by DATABASE_URL: `sqlite:PATH` (better-sqlite3, WAL) or `postgres://…` (pg).
 * Dialect differences are expressed as capabilities, not as `if (sqlite)` in the stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseIntrospector,
  type Dialect,
  type PostgresDialectConfig,
  type PostgresPool,
  type PostgresPoolClient,
  type LogEvent,
} from 'kysely';
import pg from 'pg';
import { DATABASE } from '../config/defaults.ts';
import { sha256Hex } from '../crypto/index.ts';
import type { Database } from './schema.ts';
import { bundledMigrations } from './migrations/index.ts';

export type DialectName = 'sqlite' | 'postgres';

let statements = 0;

/** Counts every SQL statement this process runs (each one a round trip on PostgreSQL). */
function countStatement(event: LogEvent): void {
  if (event.level === 'query') statements += 1;
}

/**
 * Statements run so far by this process, for statement budgets (test/http/statement-budget.test.ts) and the
 * benchmark: a flow that gains a statement gains a round trip on PostgreSQL.
 */
export function statementsRun(): number {
  return statements;
}

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  /** PostgreSQL schema in use when not the default (tests). */
  readonly pgSchema?: string;
  /** Answers when the database can run a query within DATABASE.readinessTimeoutMs (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * PostgreSQL: opens a separate one-connection database on the same server without the statement and
   * query time limits, for work that may legitimately wait or run long (migrations). Close it after use.
   */
  openUnlimited?(): Db;
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (tests give each suite its own). */
  readonly pgSchema?: string;
  readonly poolSize?: number;
  /** PostgreSQL only: false drops the statement, query and idle-in-transaction limits (migrations). */
  readonly timeLimits?: boolean;
}

function openSqlite(file: string): { kysely: Kysely<Database>; database: SQLite.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${DATABASE.sqliteBusyTimeoutMs}`);
  cachePreparedStatements(database);
  return { kysely: new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: countStatement }), database };
}

/** How many distinct SQL texts keep their prepared statement (the app has a few hundred). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every query anew; compiling the same SQL on every request cost 13–20 %
 * of the main thread (bench/RESULTS.md). Statements are kept per SQL text and reused; better-sqlite3
 * statements are reusable once a call has returned, and Kysely runs each one to completion synchronously.
 */
function cachePreparedStatements(database: SQLite.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SQLite.Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}

/**
 * PostgreSQL confined to one schema: Kysely's introspection (used by the migrator to find its own tables)
 * then reads that schema only, instead of every schema in the database — several databases side by side
 * (tests, or tenants) neither see nor trip over each other's tables.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const schema = this.schema;
    return {
      async getSchemas() {
        return [{ name: schema }];
      },
      async getTables() {
        const rows = await db
          .selectFrom('information_schema.tables')
          .select(['table_name', 'table_type'])
          .where('table_schema', '=', schema)
          .execute();
        return rows.map((r: { table_name: string; table_type: string }) => ({
          name: r.table_name,
          schema,
          isView: r.table_type === 'VIEW',
          columns: [],
        }));
      },
      async getMetadata() {
        return { tables: await this.getTables() };
      },
    };
  }
}

/** PostgreSQL's refusal to run a prepared statement that outlived a column change (SQLSTATE 0A000). */
const STALE_PLAN = /cached plan must not change result type/;

/**
 * Server-side prepared statements on PostgreSQL: each SQL text the app runs gets a name, and each connection
 * parses and plans it once instead of on every call (PostgreSQL spent most of its CPU on that in the
 * session check: bench/RESULTS.md). Only single data statements are named, and only the first
 * DATABASE.namedStatements distinct texts, so a connection's prepared statements stay bounded; migrations
 * (the connection without time limits) run unnamed.
 */
class NamedStatements {
  private readonly names = new Map<string, string | null>();

  nameOf(text: string): string | null {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= DATABASE.namedStatements) return null;
    const name = NAMEABLE.test(text) && !text.includes(';') ? `tf_${sha256Hex(text).slice(0, 24)}` : null;
    this.names.set(text, name);
    return name;
  }
}
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** node-postgres' message when a query got no answer within `query_timeout`. */
const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * A connection whose query hit the read timeout is discarded, not returned to the pool: node-postgres rejects
 * the query but the connection still waits for its answer, and every later query on it would wait as well.
 * Later queries of the same checkout (a transaction's ROLLBACK) fail at once with the same error instead of
 * waiting once more; releasing the connection with an error makes the pool close it.
 */
function discardingSilentConnections(pool: pg.Pool, named: NamedStatements | null): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let silent: Error | null = null;
      const query = async (text: string, parameters: ReadonlyArray<unknown>) => {
        if (silent) throw silent;
        const name = named?.nameOf(text);
        try {
          return await (name
            ? client.query({ name, text, values: [...parameters] })
            : client.query(text, [...parameters]));
        } catch (error) {
          if (error instanceof Error && error.message === READ_TIMEOUT_MESSAGE) silent = error;
          // A statement prepared before a migration changed its table's columns (another instance migrated):
          // this connection's plans are stale, so it is closed and the next checkout prepares afresh.
          if (name && error instanceof Error && STALE_PLAN.test(error.message)) silent = error;
          throw error;
        }
      };
      return {
        // Kysely calls query(sql, parameters) only: no cursor is configured.
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(silent ?? destroy),
      };
    },
    end: () => pool.end(),
  };
}

function openPostgres(url: string, options: OpenOptions, scopedTo: string | undefined): Kysely<Database> {
  const timeLimits = options.timeLimits !== false;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DATABASE.poolSize,
    connectionTimeoutMillis: DATABASE.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: DATABASE.keepAliveInitialDelayMs,
    ...(timeLimits
      ? {
          statement_timeout: DATABASE.statementTimeoutMs,
          query_timeout: DATABASE.queryTimeoutMs,
          idle_in_transaction_session_timeout: DATABASE.idleInTransactionTimeoutMs,
        }
      : {}),
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
  });
  // A lost connection must not crash the process; queries fail and /readyz reports it.
  pool.on('error', () => {});
  const config = { pool: discardingSilentConnections(pool, timeLimits ? new NamedStatements() : null) };
  const dialect = scopedTo ? new SchemaScopedPostgresDialect(config, scopedTo) : new PostgresDialect(config);
  return new Kysely<Database>({ dialect, log: countStatement });
}

export function wrapKysely(kysely: Kysely<Database>, dialect: DialectName, pgSchema?: string): Db {
  return {
    kysely,
    dialect,
    ...(pgSchema ? { pgSchema } : {}),
    async ping() {
      // A database that does not answer at all (a silent partition) is not ready: give up after a moment.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), DATABASE.readinessTimeoutMs);
      });
      const answer = sql`select 1`.execute(kysely).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** The first schema of a search_path set in the URL (`?options=-c%20search_path%3Dtenant`), if any. */
export function searchPathSchema(databaseUrl: string): string | undefined {
  const options = new URL(databaseUrl).searchParams.get('options') ?? '';
  return /search_path=([A-Za-z_][A-Za-z0-9_]*)/.exec(options)?.[1];
}

export function openDatabase(databaseUrl: string, options: OpenOptions = {}): Db {
  if (databaseUrl.startsWith('sqlite:')) {
    const { kysely, database } = openSqlite(databaseUrl.slice('sqlite:'.length));
    return {
      ...wrapKysely(kysely, 'sqlite'),
      // Kysely closes the file only when a query has opened its driver; a database closed unused is closed too.
      async close() {
        await kysely.destroy();
        if (database.open) database.close();
      },
    };
  }
  // A schema named in the URL is where the migrations' bookkeeping tables live too, and the only one the
  // migrator's introspection reads (another schema dropped meanwhile must not fail a start-up).
  const schema = options.pgSchema ?? searchPathSchema(databaseUrl);
  return {
    ...wrapKysely(openPostgres(databaseUrl, options, schema), 'postgres', schema),
    openUnlimited: () => openDatabase(databaseUrl, { ...options, poolSize: 1, timeLimits: false }),
  };
}

/** Opens a database over any Kysely dialect (tests use this for PGlite). */
export function openWithDialect(dialect: Dialect, name: DialectName): Db {
  return wrapKysely(new Kysely<Database>({ dialect, log: countStatement }), name);
}

/**
 * Runs the bundled migrations. Kysely takes a lock first (an advisory lock on PostgreSQL), so several
 * instances starting at once run each migration exactly once.
 */
export async function migrate(db: Db): Promise<string[]> {
  // Without the request time limits: the lock may be held for as long as another instance migrates, and a
  // migration may build an index over a large table.
  const target = db.openUnlimited?.() ?? db;
  try {
    // Kysely looks for its bookkeeping tables in every schema unless told which one is ours.
    const migrator = new Migrator({
      db: target.kysely,
      provider: bundledMigrations,
      ...(target.pgSchema ? { migrationTableSchema: target.pgSchema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    if (target !== db) await target.close();
  }
}
