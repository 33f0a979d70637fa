/** Progress of bulk imports, so an interrupted import resumes after its last committed batch. Frozen. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_progress')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_progress').execute();
}
