/**
 * The owner's onboarding checklist: when the person put it away (null: still shown), and when an org's
 * security policy was first chosen (the checklist's third item), filled in from the audit log for orgs whose
 * policy was already changed. Frozen.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('onboarding_dismissed_at', 'text').execute();
  await db.schema.alterTable('orgs').addColumn('policy_chosen_at', 'text').execute();
  await sql`UPDATE orgs SET policy_chosen_at = (SELECT MIN(a.at) FROM audit_events a WHERE a.org_id = orgs.id AND a.event = 'policy.changed')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').dropColumn('policy_chosen_at').execute();
  await db.schema.alterTable('users').dropColumn('onboarding_dismissed_at').execute();
}
