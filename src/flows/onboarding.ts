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
import { english, type MessageKey } from '../i18n/index.ts';

export interface OnboardingStep {
  readonly key: 'secure' | 'invite' | 'policy';
  /** What the step says (the page shows it in the reader's language). */
  readonly label: MessageKey;
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
      label: 'org:onboarding.steps.secure',
      href: '/profile/security',
      done: user.twoFactorEnabled,
    },
    {
      key: 'invite',
      label: 'org:onboarding.steps.invite',
      href: `/orgs/${orgId}/members#invite-title`,
      done: facts.othersInvited,
    },
    {
      key: 'policy',
      label: 'org:onboarding.steps.policy',
      href: `/orgs/${orgId}/security`,
      done: facts.policyChosen,
    },
  ];
  if (steps.every((s) => s.done)) return null;
  return { orgId, orgName: owned.org.name, steps };
}

/** The checklist as the JSON API gives it: each step's label in English (its documented contract). */
export function onboardingForApi(
  onboarding: Onboarding | null,
): (Omit<Onboarding, 'steps'> & { steps: Array<Omit<OnboardingStep, 'label'> & { label: string }> }) | null {
  if (!onboarding) return null;
  return { ...onboarding, steps: onboarding.steps.map((s) => ({ ...s, label: english(s.label) })) };
}

/** Puts the checklist away for good. */
export async function dismissOnboarding(ctx: Ctx, by: Pick<Acting, 'session'>): Promise<void> {
  await setOnboardingDismissed(ctx, by.session.userId);
}
