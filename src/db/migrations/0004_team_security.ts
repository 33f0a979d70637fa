/** Org 2FA requirement start times (for deadlines) and API keys. Frozen in time. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // When the requirement began for staff (owners, admins, staff) and for everyone (adds clients).
  await db.schema.alterTable('orgs').addColumn('staff_required_since', 'text').execute();
  await db.schema.alterTable('orgs').addColumn('everyone_required_since', 'text').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();
  await db.schema.createIndex('api_keys_org').on('api_keys').column('org_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
  await db.schema.alterTable('orgs').dropColumn('everyone_required_since').execute();
  await db.schema.alterTable('orgs').dropColumn('staff_required_since').execute();
}
