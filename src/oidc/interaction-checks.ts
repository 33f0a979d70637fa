/**
 * An app's sign-in request inside twofold, as an ordered table of named checks (the way oidc-provider builds
 * its own authorization endpoint). Every interaction step — showing the step, after a proof, and the
 * consent POST — runs the whole table, so no step can skip a rule by being reached through another door.
 * Pure: what the checks need (the session, the app-access verdict, the clock) is gathered by the caller.
 */
import type { CurrentSession } from '../sessions/service.ts';
import type { AppAccess } from './access.ts';
import { wantsAal2 } from './assurance.ts';
import { meetsAal2 } from '../core/assurance-level.ts';

export interface InteractionState {
  /** oidc-provider's prompt: 'login' (authentication needed) or 'consent'. */
  readonly prompt: string;
  readonly reasons: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  /** The account of the provider session the interaction belongs to, if any. */
  readonly providerAccountId: string | undefined;
  /** The browser's twofold session (null: none, or not a full session). */
  readonly session: CurrentSession | null;
  /** The app-access rule for this session's user and the app's org (null without a session). */
  readonly access: AppAccess | null;
  /** When this request's sign-in steps began (set when prompt=login or max_age asks for a fresh proof). */
  readonly startedAt: string | undefined;
  readonly now: Date;
  /**
   * Whether the person has a second factor that counts as two factors for apps (not only email codes:
   * `meetsAal2`); read only when an app asks for two factors. Unset: not read, taken as yes.
   */
  readonly hasAal2Factor?: boolean;
}

/** What the person sees next. */
export type Outcome =
  | 'sign_in'
  | 'not_member'
  | 'suspended'
  | 'other_account'
  | 'enrol_required_by_org'
  | 'confirm_it_is_you'
  | 'enrol_for_two_factors'
  | 'second_factor'
  | 'consent'
  | 'signed_in';

interface Check {
  readonly name: string;
  /** null: passes, go on to the next check. */
  readonly run: (state: InteractionState) => Outcome | null;
}

/** The `sub` of an ID token hint (its signature was checked by the provider before the request got here). */
export function hintedSubject(hint: unknown): string | null {
  if (typeof hint !== 'string') return null;
  try {
    const payload = JSON.parse(Buffer.from(hint.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

/** When the person last proved themselves in this session: sign-in, re-authentication or step-up (ms). */
function lastProofMs(session: CurrentSession): number {
  return Math.max(
    ...[session.createdAt, session.reauthenticatedAt, session.steppedUpAt]
      .filter((t): t is string => !!t)
      .map((t) => Date.parse(t)),
  );
}

/** Must the person prove themselves again now (prompt=login, or max_age exceeded since the last proof)? */
export function needsFreshProof(state: InteractionState, session: CurrentSession): boolean {
  if (!state.startedAt) return false;
  const lastProof = lastProofMs(session);
  if (lastProof >= Date.parse(state.startedAt)) return false;
  if (state.reasons.includes('login_prompt')) return true;
  const maxAge = Number(state.params.max_age);
  if (state.params.max_age !== undefined && Number.isFinite(maxAge))
    return state.now.getTime() - lastProof > maxAge * 1000;
  return false;
}

const denied = (state: InteractionState, reason: 'not_member' | 'suspended' | 'enrollment_required'): boolean =>
  state.access !== null && !state.access.allowed && state.access.reason === reason;

export const INTERACTION_CHECKS: readonly Check[] = Object.freeze([
  { name: 'signed in', run: (s) => (s.session ? null : 'sign_in') },
  // Consent belongs to the account the provider session signed in; another account in this browser signs in anew.
  {
    name: 'same account as the request',
    run: (s) => (s.prompt === 'consent' && s.providerAccountId !== s.session?.userId ? 'sign_in' : null),
  },
  { name: 'member', run: (s) => (denied(s, 'not_member') ? 'not_member' : null) },
  { name: 'not suspended', run: (s) => (denied(s, 'suspended') ? 'suspended' : null) },
  {
    name: 'hinted account',
    run: (s) => {
      const hinted = hintedSubject(s.params.id_token_hint);
      return hinted && hinted !== s.session?.userId ? 'other_account' : null;
    },
  },
  { name: 'enrolled', run: (s) => (denied(s, 'enrollment_required') ? 'enrol_required_by_org' : null) },
  {
    name: 'fresh proof',
    run: (s) => (s.prompt === 'login' && s.session && needsFreshProof(s, s.session) ? 'confirm_it_is_you' : null),
  },
  {
    name: 'two factors',
    run: (s) => {
      if (s.prompt !== 'login' || !s.session || !wantsAal2(s.params) || meetsAal2(s.session.amr)) return null;
      // Someone with email codes only has nothing the app accepts: they are offered another method to set up.
      return s.session.user.twoFactorEnabled && s.hasAal2Factor !== false ? 'second_factor' : 'enrol_for_two_factors';
    },
  },
  { name: 'consent', run: (s) => (s.prompt === 'consent' ? 'consent' : null) },
]);

/** Runs the table in order; the first check that does not pass decides. All passed: the person is signed in. */
export function decideInteraction(state: InteractionState): {
  readonly check: string | null;
  readonly outcome: Outcome;
} {
  for (const check of INTERACTION_CHECKS) {
    const outcome = check.run(state);
    if (outcome) return { check: check.name, outcome };
  }
  return { check: null, outcome: 'signed_in' };
}
