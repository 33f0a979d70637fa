/** The SMS / voice factor: verified numbers, pending "add a phone", codes, and the resend cooldown. Frozen in time. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phone_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // E.164, validated before it is stored.
    .addColumn('e164', 'text', (c) => c.notNull())
    // 'sms' | 'voice': how codes reach this number unless the person asks for the other.
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('sms'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema
    .createIndex('phone_factors_user_number')
    .on('phone_factors')
    .columns(['user_id', 'e164'])
    .unique()
    .execute();

  // "Add a phone" until its code is entered: the number is not a factor before that.
  await db.schema
    .createTable('phone_enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // Changing a number: the factor removed once this one is verified.
    .addColumn('replaces_factor_id', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('phone_enrollments_user').on('phone_enrollments').column('user_id').execute();

  await db.schema
    .createTable('phone_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // 'sign_in' | 'verify_phone' | 'reauthenticate'
    .addColumn('purpose', 'text', (c) => c.notNull())
    // What the code is bound to besides user and purpose: the sign-in challenge, or the pending phone.
    .addColumn('challenge_id', 'text', (c) => c.references('challenges.id').onDelete('cascade'))
    .addColumn('enrollment_id', 'text', (c) => c.references('phone_enrollments.id').onDelete('cascade'))
    .addColumn('phone_factor_id', 'text', (c) => c.references('phone_factors.id').onDelete('cascade'))
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // HMAC-SHA-256 under a server key, over the code and what it is bound to.
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .addColumn('superseded_at', 'text')
    .execute();
  await db.schema.createIndex('phone_codes_user_purpose').on('phone_codes').columns(['user_id', 'purpose']).execute();

  // One row per cooldown scope (a challenge, a pending phone, a user's re-authentication): the earliest
  // time the next code may go out, claimed with one conditional upsert.
  await db.schema
    .createTable('phone_send_cooldowns')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('available_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('phone_send_cooldowns').execute();
  await db.schema.dropTable('phone_codes').execute();
  await db.schema.dropTable('phone_enrollments').execute();
  await db.schema.dropTable('phone_factors').execute();
}
