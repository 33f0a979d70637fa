/**
 * An org's look on hosted pages and in emails: a display name, an accent colour, and an uploaded logo (PNG or
 * JPEG bytes, base64 so both databases store it the same way, with its type and a content hash for the ETag).
 * One row per org that set any of it. Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org_branding')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id').onDelete('cascade'))
    .addColumn('display_name', 'text')
    .addColumn('accent_color', 'text')
    .addColumn('logo_base64', 'text')
    .addColumn('logo_type', 'text')
    .addColumn('logo_hash', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('org_branding').execute();
}
