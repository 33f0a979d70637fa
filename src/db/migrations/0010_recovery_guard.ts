/**
 * When the password was last reset by an emailed link: no account recovery starts, opens or completes
 * within a week of it, so the mailbox alone never removes two-factor authentication. Frozen in time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('password_reset_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('password_reset_at').execute();
}
