/**
 * The org's 2FA compliance list and reminders (docs/product.md "Org security settings"), for its owners and
 * admins: every member's deadline, the methods they have, and whether they asked for a reset after losing
 * every method while self-service recovery is off.
 */
import { audit, link, type Ctx } from '../context.ts';
import { listFactors } from '../factors/index.ts';
import { securityTemplates } from '../mail/templates.ts';
import { requireManager } from '../orgs/service.ts';
import { membersWithDeadlines, type MemberDeadline } from '../orgs/compliance.ts';
import { openAdminRequests } from '../recovery/store.ts';
import type { Acting } from './acting.ts';
import { resetRefusal } from './reset-member.ts';

export interface ComplianceMember extends MemberDeadline {
  /** The kinds of factor they have (factor ids: "totp", "passkey", "phone"). */
  methods: string[];
  /** Asked for help after losing every method while self-service recovery is off. */
  needsReset: boolean;
  /** The person asking may reset this member's 2FA (the reset's own rule). */
  mayReset: boolean;
}

/** Every member with their 2FA status (owner/admin of the org). */
export async function complianceMembers(ctx: Ctx, by: Acting, orgId: string): Promise<ComplianceMember[]> {
  const { role } = await requireManager(ctx, orgId, by.session.userId);
  const actor = { userId: by.session.userId, role };
  const askedForReset = await openAdminRequests(ctx, orgId);
  return Promise.all(
    (await membersWithDeadlines(ctx, orgId)).map(async (m) => ({
      ...m,
      methods: [...new Set((await listFactors(ctx, m.userId)).map((f) => f.type))],
      needsReset: askedForReset.has(m.userId),
      mayReset: m.twoFactorEnabled && (await resetRefusal(ctx, actor, m)) === null,
    })),
  );
}

/** Emails every member without 2FA the heads-up: what it is, why, how, and the deadline if any. */
export async function notifyMembersWithout2fa(ctx: Ctx, by: Acting, orgId: string): Promise<number> {
  const { session, meta } = by;
  const { org } = await requireManager(ctx, orgId, session.userId);
  const members = (await membersWithDeadlines(ctx, orgId)).filter((m) => !m.twoFactorEnabled);
  for (const m of members) {
    await ctx.mail.send(
      securityTemplates.pleaseEnable2fa(m.email, {
        productName: ctx.config.productName,
        orgName: org.name,
        deadline: m.deadline,
        url: link(ctx, '/profile/security'),
      }),
      ctx.clock(),
    );
  }
  await audit(ctx, meta, {
    event: 'members.notified',
    actorUserId: session.userId,
    orgId,
    details: { count: members.length },
  });
  return members.length;
}
