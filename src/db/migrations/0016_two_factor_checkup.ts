/**
 * The 2FA check-up: when 2FA was turned on, and whether its check-up (28 days later) was done or skipped.
 * Accounts that already have 2FA count from the last time it was turned on (the audit log), else from their
 * last update. Frozen.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('two_factor_enabled_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('checkup_done_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('checkup_skipped_at', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('checkup_skips', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE users SET two_factor_enabled_at = COALESCE(
      (SELECT MAX(a.at) FROM audit_events a WHERE a.target_user_id = users.id AND a.event = 'two_factor.enabled'),
      users.updated_at)
    WHERE two_factor_enabled = 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('checkup_skips').execute();
  await db.schema.alterTable('users').dropColumn('checkup_skipped_at').execute();
  await db.schema.alterTable('users').dropColumn('checkup_done_at').execute();
  await db.schema.alterTable('users').dropColumn('two_factor_enabled_at').execute();
}
