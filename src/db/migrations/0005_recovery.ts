/** Account recovery with a delay, and the "must enrol now" mark left by a reset. Frozen in time. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recoveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // 'emailed' → (link clicked) 'pending' → 'completed' | 'cancelled' | 'superseded'; 'needs_admin' when self-service is off.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('link_token_hash', 'text', (c) => c.unique())
    .addColumn('link_expires_at', 'text')
    .addColumn('cancel_token_hash', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('completes_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('recoveries_user').on('recoveries').columns(['user_id', 'status']).execute();
  // Set by an admin reset or a completed recovery: if 2FA is required, enrolment comes first, without grace.
  await db.schema.alterTable('users').addColumn('two_factor_reset_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('two_factor_reset_at').execute();
  await db.schema.dropTable('recoveries').execute();
}
