/**
 * Phishing-resistant only, per role: `phishing_resistant` ('off' | 'staff' | 'everyone', default 'off'), the
 * times it began for staff and for everyone (the grace deadline to add a passkey is computed from them, like
 * the 2FA requirement's), and an optional allow-list of authenticator models by AAGUID (JSON array). Frozen.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('orgs')
    .addColumn('phishing_resistant', 'text', (c) => c.notNull().defaultTo('off'))
    .execute();
  await db.schema.alterTable('orgs').addColumn('phishing_resistant_staff_since', 'text').execute();
  await db.schema.alterTable('orgs').addColumn('phishing_resistant_everyone_since', 'text').execute();
  await db.schema
    .alterTable('orgs')
    .addColumn('allowed_authenticators', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').dropColumn('allowed_authenticators').execute();
  await db.schema.alterTable('orgs').dropColumn('phishing_resistant_everyone_since').execute();
  await db.schema.alterTable('orgs').dropColumn('phishing_resistant_staff_since').execute();
  await db.schema.alterTable('orgs').dropColumn('phishing_resistant').execute();
}
