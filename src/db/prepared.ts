/**
 * Statements compiled once per database. Kysely builds and compiles a query on every call — 50–90 µs for the
 * session lookup on the bench machine, more than SQLite's own work for it — which every request paid for
 * nothing (bench/RESULTS.md "Wave 2 changes"). A prepared statement keeps the SQL text and where each argument
 * goes, and afterwards only binds the new values (better-sqlite3 then reuses its prepared statement, and
 * PostgreSQL its named one: src/db/connect.ts). Reads and writes alike; inside a transaction too, since the
 * plan is kept per database adapter (a transaction shares its database's), not per Kysely instance.
 *
 * `build` gets stand-in values the first time: it must pass each argument straight into the query as a
 * value (no string operations on it, no `in` lists); values it writes itself stay in the parameters as they
 * were. When an argument does not come out as a parameter of its own, the statement is built on every call.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/**
 * What a prepared statement binds. A null binds NULL: right for inserted and SET values, never in a comparison
 * (`= NULL` matches nothing); write `is null` in the query itself.
 */
type Argument = string | number | null;

interface Plan {
  readonly sql: string;
  /** For each parameter: the index of the argument it takes, or a value fixed by the query itself. */
  readonly slots: ReadonlyArray<number | { readonly fixed: unknown }>;
}

function compiledOnce<A extends readonly Argument[], Row>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<Row>,
): (db: Kysely<Database>, ...args: A) => Promise<QueryResult<Row>> {
  const plans = new WeakMap<object, Plan | 'build'>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let plan = plans.get(adapter);
    if (plan === undefined) {
      const stands = args.map((_, i) => `\u0000tf-arg-${i}\u0000`);
      const compiled = build(db, ...(stands as unknown as A)).compile();
      const slots = compiled.parameters.map((p) => {
        const index = stands.indexOf(p as string);
        return index >= 0 ? index : { fixed: p };
      });
      const everyArgumentBound = stands.every((_, i) => slots.includes(i));
      plan = everyArgumentBound ? { sql: compiled.sql, slots } : 'build';
      plans.set(adapter, plan);
    }
    if (plan === 'build') return db.executeQuery(build(db, ...args).compile());
    const parameters = plan.slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.fixed));
    return db.executeQuery<Row>(CompiledQuery.raw(plan.sql, parameters));
  };
}

/** A statement compiled once that answers its rows. */
export function prepared<A extends readonly Argument[], Row>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<Row>,
): (db: Kysely<Database>, ...args: A) => Promise<Row[]> {
  const run = compiledOnce(build);
  return async (db, ...args) => (await run(db, ...args)).rows;
}

/** A write compiled once that answers how many rows it changed. */
export function preparedWrite<A extends readonly Argument[]>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<unknown>,
): (db: Kysely<Database>, ...args: A) => Promise<number> {
  const run = compiledOnce(build);
  return async (db, ...args) => Number((await run(db, ...args)).numAffectedRows ?? 0);
}
