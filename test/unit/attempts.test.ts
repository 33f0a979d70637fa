/**
 * The pure attempt rules (src/core/attempts.ts): how many checks may be in flight for the failures
 * confirmed so far, when an attempt is refused for real (lock, delay) and when it only has to wait for a
 * slot, how a failure moves the delay and the lock, the per-address failure budget, and the waiting pauses.
 */
import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  decideAttempt,
  decideBudget,
  EMPTY_ATTEMPT_STATE,
  liveInFlight,
  lockSeconds,
  nextPauseMs,
  slotsFor,
  type AttemptPolicy,
  type AttemptState,
} from '../../src/core/attempts.ts';
import { IN_FLIGHT, PASSWORD_THROTTLE, SECOND_FACTOR_THROTTLE } from '../../src/config/defaults.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const STALE = IN_FLIGHT.staleSeconds;
const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
const state = (patch: Partial<AttemptState>): AttemptState => ({ ...EMPTY_ATTEMPT_STATE, ...patch });
const P: AttemptPolicy = PASSWORD_THROTTLE;

/** Replays `count` failures one after another. */
function failures(policy: AttemptPolicy, count: number): { state: AttemptState; locks: boolean[] } {
  let current = EMPTY_ATTEMPT_STATE;
  const locks: boolean[] = [];
  for (let i = 0; i < count; i += 1) {
    const { next, locksNow } = afterFailure(policy, current, NOW);
    current = { ...current, ...next };
    locks.push(locksNow);
  }
  return { state: current, locks };
}

describe('slotsFor', () => {
  it('allows the failures left before the delay at once, then one at a time, never past the lock', () => {
    expect([0, 1, 2, 3, 4].map((f) => slotsFor(P, f))).toEqual([5, 4, 3, 2, 1]);
    expect([5, 6, 9].map((f) => slotsFor(P, f))).toEqual([1, 1, 1]);
    expect(slotsFor(P, 10)).toBe(0);
    // Second factor: no delay region, so all ten failures before the lock may be checked at once.
    expect([0, 4, 9, 10].map((f) => slotsFor(SECOND_FACTOR_THROTTLE, f))).toEqual([10, 6, 1, 0]);
  });

  it('failures + slots never pass the delay threshold or the lock (so parallel guesses never do)', () => {
    for (const policy of [PASSWORD_THROTTLE, SECOND_FACTOR_THROTTLE]) {
      for (let f = 0; f < policy.lockAfterFailures; f += 1) {
        expect(f + slotsFor(policy, f)).toBeLessThanOrEqual(policy.lockAfterFailures);
        if (f < policy.delayAfterFailures)
          expect(f + slotsFor(policy, f)).toBe(Math.min(policy.delayAfterFailures, policy.lockAfterFailures));
      }
    }
  });
});

describe('decideAttempt', () => {
  it('allows a first attempt with all five slots', () => {
    expect(decideAttempt(P, EMPTY_ATTEMPT_STATE, NOW, STALE)).toEqual({ kind: 'allowed', slots: 5 });
  });

  it('is busy (wait, not refuse) while attempts in flight hold every slot', () => {
    expect(decideAttempt(P, state({ inFlight: 5, inFlightAt: at(-1) }), NOW, STALE)).toEqual({ kind: 'busy' });
    expect(decideAttempt(P, state({ failures: 3, inFlight: 2, inFlightAt: at(-1) }), NOW, STALE)).toEqual({
      kind: 'busy',
    });
    expect(decideAttempt(P, state({ failures: 3, inFlight: 1, inFlightAt: at(-1) }), NOW, STALE)).toEqual({
      kind: 'allowed',
      slots: 2,
    });
  });

  it('refuses for real while delayed or locked by confirmed failures, even with no attempt in flight', () => {
    expect(decideAttempt(P, state({ failures: 5, nextAllowedAt: at(2) }), NOW, STALE)).toEqual({
      kind: 'refused',
      retryAt: at(2),
    });
    expect(decideAttempt(P, state({ failures: 10, locks: 1, lockedUntil: at(900) }), NOW, STALE)).toEqual({
      kind: 'refused',
      retryAt: at(900),
    });
  });

  it('inside the delay region, once the delay has passed: one attempt at a time', () => {
    const delayed = state({ failures: 6, nextAllowedAt: at(-1) });
    expect(decideAttempt(P, delayed, NOW, STALE)).toEqual({ kind: 'allowed', slots: 1 });
    expect(decideAttempt(P, { ...delayed, inFlight: 1, inFlightAt: at(-1) }, NOW, STALE)).toEqual({ kind: 'busy' });
  });

  it('after a lock has run out, a new run starts with all slots', () => {
    expect(decideAttempt(P, state({ failures: 10, locks: 1, lockedUntil: at(-1) }), NOW, STALE)).toEqual({
      kind: 'allowed',
      slots: 5,
    });
  });

  it('gives up slots nobody has taken a new one beside for the stale time (a process died mid-check)', () => {
    const held = state({ inFlight: 5, inFlightAt: at(-STALE) });
    expect(liveInFlight(held, NOW, STALE)).toBe(0);
    expect(decideAttempt(P, held, NOW, STALE)).toEqual({ kind: 'allowed', slots: 5 });
    expect(liveInFlight({ inFlight: 5, inFlightAt: at(-STALE + 1) }, NOW, STALE)).toBe(5);
  });
});

describe('afterFailure', () => {
  it('no delay for the first four failures, then 2 s doubling to 60 s', () => {
    const delays: number[] = [];
    let current: AttemptState = EMPTY_ATTEMPT_STATE;
    for (let i = 0; i < 9; i += 1) {
      const { next } = afterFailure(P, current, NOW);
      delays.push(next.nextAllowedAt ? (next.nextAllowedAt.getTime() - NOW.getTime()) / 1000 : 0);
      current = { ...current, ...next };
    }
    expect(delays).toEqual([0, 0, 0, 0, 2, 4, 8, 16, 32]);
    const capped = afterFailure({ ...P, lockAfterFailures: 100 }, state({ failures: 20 }), NOW).next;
    expect((capped.nextAllowedAt!.getTime() - NOW.getTime()) / 1000).toBe(P.maxDelaySeconds);
  });

  it('the tenth failure locks for 15 minutes (once), the lock doubles per further lock up to a day', () => {
    const { state: locked, locks } = failures(P, 10);
    expect(locks.filter(Boolean)).toHaveLength(1);
    expect(locks[9]).toBe(true);
    expect(locked).toMatchObject({ failures: 10, locks: 1, nextAllowedAt: null });
    expect([0, 1, 2, 6, 7].map((l) => lockSeconds(P, l))).toEqual([900, 1800, 3600, 57_600, 86_400]);
  });

  it('after a lock has run out, failures start again from one and the next lock is longer', () => {
    const expired = state({ failures: 10, locks: 1, lockedUntil: at(-1) });
    const first = afterFailure(P, expired, NOW);
    expect(first).toEqual({ next: { failures: 1, locks: 1, nextAllowedAt: null, lockedUntil: null }, locksNow: false });
    const relocked = afterFailure(P, state({ failures: 9, locks: 1 }), NOW);
    expect(relocked.locksNow).toBe(true);
    expect(relocked.next.lockedUntil).toEqual(at(lockSeconds(P, 1)));
  });

  it('a failure settling while a lock holds only adds to the count', () => {
    const locked = state({ failures: 10, locks: 1, lockedUntil: at(60) });
    expect(afterFailure(P, locked, NOW)).toEqual({
      next: { failures: 11, locks: 1, nextAllowedAt: null, lockedUntil: at(60) },
      locksNow: false,
    });
  });
});

describe('decideBudget', () => {
  it('allows while failures + slots are under the limit, waits while slots hold the rest, refuses once failures fill it', () => {
    expect(decideBudget(20, 0, 0)).toBe('allowed');
    expect(decideBudget(20, 19, 0)).toBe('allowed');
    expect(decideBudget(20, 0, 20)).toBe('busy');
    expect(decideBudget(20, 15, 5)).toBe('busy');
    expect(decideBudget(20, 20, 0)).toBe('refused');
    expect(decideBudget(20, 20, 3)).toBe('refused');
  });
});

describe('nextPauseMs', () => {
  it('stays between the first pause and the cap, and grows at most threefold', () => {
    expect(nextPauseMs(0, 20, 250, 0)).toBe(20);
    expect(nextPauseMs(0, 20, 250, 0.999)).toBe(20);
    expect(nextPauseMs(20, 20, 250, 0.999)).toBeLessThanOrEqual(60);
    expect(nextPauseMs(200, 20, 250, 0.999)).toBeLessThanOrEqual(250);
    for (let i = 0; i < 100; i += 1) {
      const pause = nextPauseMs(i * 5, 20, 250, i / 100);
      expect(pause).toBeGreaterThanOrEqual(20);
      expect(pause).toBeLessThanOrEqual(Math.max(20, Math.min(250, i * 15)));
    }
  });
});
