/**
 * Suspended accounts: a suspended person cannot sign in, hold a session, use an API key or get tokens for
 * an app until an operator or an authorised admin lifts the suspension. Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('suspended_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('suspended_at').execute();
}
