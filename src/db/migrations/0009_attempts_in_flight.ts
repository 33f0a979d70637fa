/**
 * Attempts being checked are kept apart from confirmed failures: per-account attempt counters and per-key
 * rate-limit windows get an in-flight count (and, for the counters, when the latest slot was taken, so the
 * slots of a process that died mid-check go stale). Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('attempt_counters')
    .addColumn('in_flight', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('attempt_counters').addColumn('in_flight_at', 'text').execute();
  await db.schema
    .alterTable('rate_limits')
    .addColumn('in_flight', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limits').dropColumn('in_flight').execute();
  await db.schema.alterTable('attempt_counters').dropColumn('in_flight_at').execute();
  await db.schema.alterTable('attempt_counters').dropColumn('in_flight').execute();
}
