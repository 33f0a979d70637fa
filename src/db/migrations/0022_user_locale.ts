/**
 * The person's saved language (`en`, `es`; null: the browser's or the app's choice decides) and time zone
 * (an IANA name like America/Chicago; null: pages use the browser's zone, emails UTC). Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('locale', 'text').execute();
  await db.schema.alterTable('users').addColumn('time_zone', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
  await db.schema.alterTable('users').dropColumn('locale').execute();
}
