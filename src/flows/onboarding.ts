/**
 * The owner's first steps: secure your account, invite your team, choose the
 * policy. Each step is ticked from what is true now, not from clicks; the list shows to an owner until every
 * step is done or they put it away, which is remembered.
 */
import { onboardingDismissed } from '../accounts/service.ts';
import { setOnboardingDismissed } from '../accounts/store.ts';
import { membershipsOf, onboardingFacts } from '../orgs/service.ts';
import type { Ctx } from '../context.ts';
import type { Acting } from './acting.ts';

export interface OnboardingStep {
  readonly key: 'secure' | 'invite' | 'policy';
  readonly label: string;
  readonly href: string;
  readonly done: boolean;
}

export interface Onboarding {
  readonly orgId: string;
  readonly orgName: string;
  readonly steps: readonly OnboardingStep[];
}

/** The checklist for the signed-in person, or null (not an owner, put away, or all done). */
export async function onboardingOf(ctx: Ctx, by: Pick<Acting, 'session'>): Promise<Onboarding | null> {
  const user = by.session.user;
  const owned = (await membershipsOf(ctx, user.id)).find((m) => m.role === 'owner');
  if (!owned || (await onboardingDismissed(ctx, user.id))) return null;
  const facts = await onboardingFacts(ctx, owned.org.id);
  const orgId = owned.org.id;
  const steps: OnboardingStep[] = [
    {
      key: 'secure',
      label: 'Secure your account: turn on two-factor authentication',
      href: '/profile/security',
      done: user.twoFactorEnabled,
    },
    {
      key: 'invite',
      label: 'Invite your team',
      href: `/orgs/${orgId}/members#invite-title`,
      done: facts.othersInvited,
    },
    {
      key: 'policy',
      label: 'Choose the security policy: who must use two-factor authentication',
      href: `/orgs/${orgId}/security`,
      done: facts.policyChosen,
    },
  ];
  if (steps.every((s) => s.done)) return null;
  return { orgId, orgName: owned.org.name, steps };
}

/** Puts the checklist away for good. */
export async function dismissOnboarding(ctx: Ctx, by: Pick<Acting, 'session'>): Promise<void> {
  await setOnboardingDismissed(ctx, by.session.userId);
}
