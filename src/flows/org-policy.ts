/**
 * An owner or admin changes the org's security policy (sudo). Deadlines follow from the stored times at
 * once (src/core/enforcement.ts): turning a requirement on starts its grace period now.
 */
import { audit, type Ctx } from '../context.ts';
import { nextRequirementTimes } from '../core/enforcement.ts';
import { requireManager } from '../orgs/service.ts';
import { checkPolicy, getPolicy, membersWithout2faInScope, requirementTimes, type OrgPolicy } from '../orgs/policy.ts';
import { setPolicy } from '../orgs/store.ts';
import { requireRecentReauthentication, type Acting } from './acting.ts';

export async function changePolicy(
  ctx: Ctx,
  by: Acting,
  input: { readonly orgId: string; readonly patch: Partial<OrgPolicy> },
): Promise<{ policy: OrgPolicy; affectedMembers: number }> {
  const { session, meta } = by;
  requireRecentReauthentication(ctx, session);
  const { orgId } = input;
  await requireManager(ctx, orgId, session.userId);
  const before = await getPolicy(ctx, orgId);
  const next: OrgPolicy = { ...before, ...input.patch };
  checkPolicy(next);
  const previous = await requirementTimes(ctx, orgId);
  const times = nextRequirementTimes(previous, next.requireTwoFactor, ctx.clock());
  // The passkey-only rule has its own start times: its grace deadline follows them like the 2FA requirement's.
  const passkeyTimes = nextRequirementTimes(
    {
      staffRequiredSince: previous.phishingResistantStaffSince,
      everyoneRequiredSince: previous.phishingResistantEveryoneSince,
    },
    next.phishingResistant,
    ctx.clock(),
  );
  await setPolicy(ctx, orgId, {
    ...next,
    allowedAuthenticators: next.allowedAuthenticators.map((a) => a.toLowerCase()),
    ...times,
    phishingResistantStaffSince: passkeyTimes.staffRequiredSince,
    phishingResistantEveryoneSince: passkeyTimes.everyoneRequiredSince,
  });
  const changed: Record<string, string> = {};
  for (const key of Object.keys(next) as Array<keyof OrgPolicy>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(next[key]))
      changed[key] = `${JSON.stringify(before[key])} → ${JSON.stringify(next[key])}`;
  }
  await audit(ctx, meta, { event: 'policy.changed', actorUserId: session.userId, orgId, details: changed });
  const policy = await getPolicy(ctx, orgId);
  return { policy, affectedMembers: await membersWithout2faInScope(ctx, orgId, policy.requireTwoFactor) };
}
