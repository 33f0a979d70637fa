/**
 * Reads compiled once per database handle. Kysely builds and compiles a query on every call — 50–90 µs for
 * the session lookup on the bench machine, more than SQLite's own work for it — which every request's
 * session check paid for nothing (bench/RESULTS.md "Wave 2 changes"). A prepared read keeps the SQL text and
 * where each argument goes, and afterwards only binds the new values (better-sqlite3 then reuses its
 * prepared statement: src/db/connect.ts).
 *
 * `build` gets stand-in values the first time: it must pass each argument straight into the query as a
 * value (no string operations on it, no `in` lists); values it writes itself stay in the parameters as they
 * were. When an argument does not come out as a parameter of its own, the read is built on every call instead.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

interface Plan {
  readonly sql: string;
  /** For each parameter: the index of the argument it takes, or a value fixed by the query itself. */
  readonly slots: ReadonlyArray<number | { readonly fixed: unknown }>;
}

export function preparedRead<A extends readonly (string | number)[], Row>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<Row>,
): (db: Kysely<Database>, ...args: A) => Promise<Row[]> {
  const plans = new WeakMap<Kysely<Database>, Plan | 'build'>();
  return async (db, ...args) => {
    let plan = plans.get(db);
    if (plan === undefined) {
      const stands = args.map((_, i) => `\u0000tf-arg-${i}\u0000`);
      const compiled = build(db, ...(stands as unknown as A)).compile();
      const slots = compiled.parameters.map((p) => {
        const index = stands.indexOf(p as string);
        return index >= 0 ? index : { fixed: p };
      });
      const everyArgumentBound = stands.every((_, i) => slots.includes(i));
      plan = everyArgumentBound ? { sql: compiled.sql, slots } : 'build';
      plans.set(db, plan);
    }
    if (plan === 'build') return (await db.executeQuery(build(db, ...args).compile())).rows;
    const parameters = plan.slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.fixed));
    return (await db.executeQuery<Row>(CompiledQuery.raw(plan.sql, parameters))).rows;
  };
}
