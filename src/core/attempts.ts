/**
 * Consecutive-failure throttling for one guessable secret of one account (password, later each second
 * factor): after `delayAfterFailures` failures each attempt must wait a doubling delay; after
 * `lockAfterFailures` the step is locked for `firstLockSeconds`, doubling per further lock up to
 * `maxLockSeconds` (NIST SP 800-63B rev 4 §3.2.2; ASVS 4.0.3 2.2.1). Pure: the store applies the result
 * with compare-and-swap, counting an attempt *before* the secret is checked so parallel guesses can never
 * be evaluated beyond the limit.
 */

export interface AttemptPolicy {
  readonly delayAfterFailures: number;
  readonly firstDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly lockAfterFailures: number;
  readonly firstLockSeconds: number;
  readonly maxLockSeconds: number;
}

export interface AttemptState {
  readonly failures: number;
  readonly locks: number;
  readonly nextAllowedAt: Date | null;
  readonly lockedUntil: Date | null;
}

export const EMPTY_ATTEMPT_STATE: AttemptState = { failures: 0, locks: 0, nextAllowedAt: null, lockedUntil: null };

export type AttemptDecision =
  | { readonly allowed: false; readonly retryAt: Date }
  /** `next` is the state to store before checking the secret: it already counts this attempt as failed. */
  | { readonly allowed: true; readonly next: AttemptState; readonly locksNow: boolean };

export function lockSeconds(policy: AttemptPolicy, priorLocks: number): number {
  return Math.min(policy.firstLockSeconds * 2 ** priorLocks, policy.maxLockSeconds);
}

function delaySeconds(policy: AttemptPolicy, failures: number): number {
  if (failures < policy.delayAfterFailures) return 0;
  return Math.min(policy.firstDelaySeconds * 2 ** (failures - policy.delayAfterFailures), policy.maxDelaySeconds);
}

export function decideAttempt(policy: AttemptPolicy, state: AttemptState, now: Date): AttemptDecision {
  if (state.lockedUntil && state.lockedUntil > now) return { allowed: false, retryAt: state.lockedUntil };
  // A lock that has run out starts a new run of failures; the lock count keeps growing the next lock.
  const failuresBefore = state.lockedUntil ? 0 : state.failures;
  if (!state.lockedUntil && state.nextAllowedAt && state.nextAllowedAt > now) {
    return { allowed: false, retryAt: state.nextAllowedAt };
  }
  const failures = failuresBefore + 1;
  if (failures >= policy.lockAfterFailures) {
    const until = new Date(now.getTime() + lockSeconds(policy, state.locks) * 1000);
    return { allowed: true, locksNow: true, next: { failures, locks: state.locks + 1, nextAllowedAt: null, lockedUntil: until } };
  }
  const delay = delaySeconds(policy, failures);
  return {
    allowed: true,
    locksNow: false,
    next: { failures, locks: state.locks, nextAllowedAt: delay > 0 ? new Date(now.getTime() + delay * 1000) : null, lockedUntil: null },
  };
}
