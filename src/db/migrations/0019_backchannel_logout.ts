/**
 * OpenID Connect Back-Channel Logout 1.0: an app's `backchannel_logout_uri`, and the outbox of logout
 * notifications (one row per app and provider session, or per app and user when every session ends).
 * Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oidc_clients').addColumn('backchannel_logout_uri', 'text').execute();

  await db.schema
    .createTable('oidc_logout_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sid', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('oidc_logout_deliveries_due')
    .on('oidc_logout_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('oidc_logout_deliveries_client')
    .on('oidc_logout_deliveries')
    .columns(['client_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_logout_deliveries').execute();
  await db.schema.alterTable('oidc_clients').dropColumn('backchannel_logout_uri').execute();
}
