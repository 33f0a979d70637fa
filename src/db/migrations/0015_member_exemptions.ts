/**
 * Per-member exceptions to an org's 2FA requirement: a time-limited exemption (or the org's one break-glass
 * account, without expiry) and an extended deadline. One row per membership; it goes with the membership. At
 * most one break-glass account per org (a partial unique index). Frozen.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_policy_overrides')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('exemption_reason', 'text')
    .addColumn('exempt_until', 'text')
    .addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exempted_by', 'text')
    .addColumn('exempted_at', 'text')
    .addColumn('extended_deadline', 'text')
    .addColumn('extended_by', 'text')
    .addColumn('extended_at', 'text')
    .addPrimaryKeyConstraint('member_policy_overrides_pk', ['org_id', 'user_id'])
    .addForeignKeyConstraint(
      'member_policy_overrides_membership',
      ['org_id', 'user_id'],
      'memberships',
      ['org_id', 'user_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('member_policy_overrides_one_break_glass')
    .on('member_policy_overrides')
    .column('org_id')
    .unique()
    .where(sql.ref('break_glass'), '=', sql.lit(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_policy_overrides').execute();
}
