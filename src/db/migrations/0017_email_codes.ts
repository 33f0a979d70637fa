/**
 * Email codes as a second factor, and the new-device check for members without 2FA. Email codes share the
 * sent-codes table of the phone factor (its `e164` column then holds the address the code went to; its
 * `channel` is 'email'); a pending "add email codes" has its own table, like a pending phone. Orgs gain
 * `email_codes` ('off' by default) and `new_device_check` ('staff': on for staff in new AND existing orgs);
 * a sign-in challenge says what it asks for. Frozen in time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One per account: codes go to the account's address, whatever it is when they are sent.
    .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('email_enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('email_enrollments_user').on('email_enrollments').column('user_id').execute();

  // A code sent to confirm a pending "add email codes" is bound to it.
  await db.schema
    .alterTable('phone_codes')
    .addColumn('email_enrollment_id', 'text', (c) => c.references('email_enrollments.id').onDelete('cascade'))
    .execute();

  // 'off' | 'clients' | 'everyone': who may use email codes as a second factor.
  await db.schema
    .alterTable('orgs')
    .addColumn('email_codes', 'text', (c) => c.notNull().defaultTo('off'))
    .execute();
  // 'off' | 'staff' | 'everyone': members without 2FA confirm a new browser with an emailed code.
  await db.schema
    .alterTable('orgs')
    .addColumn('new_device_check', 'text', (c) => c.notNull().defaultTo('staff'))
    .execute();

  // 'second_factor' | 'device_check': what the pending sign-in asks for.
  await db.schema
    .alterTable('challenges')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('second_factor'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('challenges').dropColumn('kind').execute();
  await db.schema.alterTable('orgs').dropColumn('new_device_check').execute();
  await db.schema.alterTable('orgs').dropColumn('email_codes').execute();
  await db.schema.alterTable('phone_codes').dropColumn('email_enrollment_id').execute();
  await db.schema.dropTable('email_enrollments').execute();
  await db.schema.dropTable('email_factors').execute();
}
