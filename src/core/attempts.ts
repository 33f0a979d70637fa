/**
 * Consecutive-failure throttling for one guessable secret of one account (password, later each second
 * factor): after `delayAfterFailures` failures each attempt must wait a doubling delay; after
 * `lockAfterFailures` the step is locked for `firstLockSeconds`, doubling per further lock up to
 * `maxLockSeconds` (NIST SP 800-63B rev 4 §3.2.2; ASVS 4.0.3 2.2.1).
 *
 * Confirmed failures are kept apart from attempts still being checked. An attempt first takes an in-flight
 * slot; there are only as many slots as the remaining budget allows (the failures left before the delay,
 * then one at a time), so parallel guesses can never be evaluated beyond the limit — and a right secret is
 * never counted as a failure. A wrong secret turns its slot into a failure; a right one gives it back and
 * clears the failures. Pure: the store applies these decisions atomically.
 */

export interface AttemptPolicy {
  readonly delayAfterFailures: number;
  readonly firstDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly lockAfterFailures: number;
  readonly firstLockSeconds: number;
  readonly maxLockSeconds: number;
}

/** What confirmed failures decided: the part a failure or a success changes. */
export interface FailureState {
  readonly failures: number;
  readonly locks: number;
  readonly nextAllowedAt: Date | null;
  readonly lockedUntil: Date | null;
}

export interface AttemptState extends FailureState {
  /** Attempts being checked right now (slots taken and not yet given back or turned into failures). */
  readonly inFlight: number;
  /** When the latest slot was taken. */
  readonly inFlightAt: Date | null;
}

export const EMPTY_ATTEMPT_STATE: AttemptState = {
  failures: 0,
  locks: 0,
  nextAllowedAt: null,
  lockedUntil: null,
  inFlight: 0,
  inFlightAt: null,
};

export type AttemptDecision =
  /** Locked or delayed by confirmed failures: answered like a wrong secret. */
  | { readonly kind: 'refused'; readonly retryAt: Date }
  /** Every slot the budget allows is held by attempts being checked: wait for one to finish, then decide again. */
  | { readonly kind: 'busy' }
  /** A slot is free: take it (the store checks that `slots` still bounds the in-flight count). */
  | { readonly kind: 'allowed'; readonly slots: number };

export function lockSeconds(policy: AttemptPolicy, priorLocks: number): number {
  return Math.min(policy.firstLockSeconds * 2 ** priorLocks, policy.maxLockSeconds);
}

function delaySeconds(policy: AttemptPolicy, failures: number): number {
  if (failures < policy.delayAfterFailures) return 0;
  return Math.min(policy.firstDelaySeconds * 2 ** (failures - policy.delayAfterFailures), policy.maxDelaySeconds);
}

/**
 * Slots are the attempts that may be in flight at once with `failures` confirmed: all the failures left
 * before the delay region, one at a time inside it, so failures + slots never pass the delay or the lock.
 */
export function slotsFor(policy: AttemptPolicy, failures: number): number {
  const beforeLock = policy.lockAfterFailures - failures;
  if (beforeLock <= 0) return 0;
  if (failures >= policy.delayAfterFailures) return 1;
  return Math.min(policy.delayAfterFailures - failures, beforeLock);
}

/**
 * In-flight slots still held. When no slot was taken for `staleSeconds`, every slot is older than that: no
 * check takes so long, so they belong to a process that died mid-check and are given up.
 */
export function liveInFlight(
  state: Pick<AttemptState, 'inFlight' | 'inFlightAt'>,
  now: Date,
  staleSeconds: number,
): number {
  if (!state.inFlightAt || state.inFlightAt.getTime() <= staleBefore(now, staleSeconds).getTime()) return 0;
  return Math.max(0, state.inFlight);
}

export function staleBefore(now: Date, staleSeconds: number): Date {
  return new Date(now.getTime() - staleSeconds * 1000);
}

/** Confirmed failures that still count: a lock that has run out starts a new run (its count keeps growing the next lock). */
function runningFailures(state: FailureState): number {
  return state.lockedUntil ? 0 : state.failures;
}

export function decideAttempt(
  policy: AttemptPolicy,
  state: AttemptState,
  now: Date,
  staleSeconds: number,
): AttemptDecision {
  if (state.lockedUntil && state.lockedUntil > now) return { kind: 'refused', retryAt: state.lockedUntil };
  if (!state.lockedUntil && state.nextAllowedAt && state.nextAllowedAt > now)
    return { kind: 'refused', retryAt: state.nextAllowedAt };
  const slots = slotsFor(policy, runningFailures(state));
  if (liveInFlight(state, now, staleSeconds) >= slots) return { kind: 'busy' };
  return { kind: 'allowed', slots };
}

/** The state after one more confirmed failure at `now`, and whether it starts a lock. */
export function afterFailure(
  policy: AttemptPolicy,
  state: FailureState,
  now: Date,
): { readonly next: FailureState; readonly locksNow: boolean } {
  // A slot taken before a lock began (only possible once an abandoned slot was given up) adds to the count only.
  if (state.lockedUntil && state.lockedUntil > now) {
    return {
      next: {
        failures: state.failures + 1,
        locks: state.locks,
        nextAllowedAt: state.nextAllowedAt,
        lockedUntil: state.lockedUntil,
      },
      locksNow: false,
    };
  }
  const failures = runningFailures(state) + 1;
  if (failures >= policy.lockAfterFailures) {
    const until = new Date(now.getTime() + lockSeconds(policy, state.locks) * 1000);
    return { next: { failures, locks: state.locks + 1, nextAllowedAt: null, lockedUntil: until }, locksNow: true };
  }
  const delay = delaySeconds(policy, failures);
  return {
    next: {
      failures,
      locks: state.locks,
      nextAllowedAt: delay > 0 ? new Date(now.getTime() + delay * 1000) : null,
      lockedUntil: null,
    },
    locksNow: false,
  };
}

/**
 * A per-key failure budget in a fixed window (e.g. failed sign-ins per client address): an attempt takes
 * an in-flight slot while confirmed failures + slots stay under the limit.
 */
export type BudgetDecision = 'allowed' | 'busy' | 'refused';

export function decideBudget(limit: number, failures: number, inFlight: number): BudgetDecision {
  if (failures >= limit) return 'refused';
  return failures + Math.max(0, inFlight) >= limit ? 'busy' : 'allowed';
}

/**
 * How long a busy attempt waits before deciding again: "decorrelated jitter" (each pause drawn between the
 * first pause and three times the previous one, capped), so many waiters spread out instead of polling in step.
 * `random` is in [0, 1).
 */
export function nextPauseMs(previousMs: number, firstMs: number, maxMs: number, random: number): number {
  const upper = Math.min(maxMs, Math.max(firstMs, previousMs * 3));
  return Math.round(firstMs + (upper - firstMs) * random);
}
