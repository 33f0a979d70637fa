/**
 * Whether a user's email address is verified, as a stored fact, and the single-use links that verify it.
 * Backfilled from what proved control of the address before: an accepted invitation to that address, or a
 * completed password reset. Frozen.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();
  await db.schema
    .createTable('email_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The address the link was sent to: a link verifies only the address it went to.
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('email_verifications_user').on('email_verifications').column('user_id').execute();
  await sql`update users set email_verified_at = (
    select min(i.accepted_at) from invitations i where i.email = users.email and i.accepted_at is not null
  ) where email_verified_at is null`.execute(db);
  await sql`update users set email_verified_at = (
    select min(r.used_at) from password_resets r where r.user_id = users.id and r.used_at is not null
  ) where email_verified_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_verifications').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
