/**
 * The attempt rule exists twice: as the pure decision (src/core/attempts.ts decideAttempt) and as the WHERE
 * clause of the one-statement slot upsert (src/throttle/store.ts takeAttemptSlot). For many generated counter
 * states, on both databases, the two must agree: a slot is taken exactly when the rule allows it, and a
 * refusal (lock, delay) is told from full slots (busy) the same way.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, type TestDb } from '../helpers/db.ts';
import { decideAttempt } from '../../src/core/attempts.ts';
import { IN_FLIGHT, PASSWORD_THROTTLE, SECOND_FACTOR_THROTTLE } from '../../src/config/defaults.ts';
import { takeAttemptSlot } from '../../src/throttle/store.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const at = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(NOW.getTime() + seconds * 1000);

const stateArbitrary = fc.record({
  failures: fc.integer({ min: 0, max: 12 }),
  locks: fc.integer({ min: 0, max: 3 }),
  nextAllowedAt: fc.constantFrom(null, -30, 30),
  lockedUntil: fc.constantFrom(null, -30, 30),
  inFlight: fc.integer({ min: 0, max: 6 }),
  inFlightAt: fc.constantFrom(null, -5, -(IN_FLIGHT.staleSeconds + 5)),
});

describe.each(DIALECTS)('the attempt rule in SQL agrees with the pure rule (%s)', (dialect) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(dialect);
  });
  afterAll(async () => {
    await testDb.close();
  });

  it('takes a slot exactly when decideAttempt allows one, for password and second-factor policies', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        stateArbitrary,
        fc.constantFrom(PASSWORD_THROTTLE, SECOND_FACTOR_THROTTLE),
        async (s, policy) => {
          const key = `rule:${(n += 1)}`;
          const state = {
            failures: s.failures,
            locks: s.locks,
            nextAllowedAt: at(s.nextAllowedAt),
            lockedUntil: at(s.lockedUntil),
            inFlight: s.inFlight,
            inFlightAt: at(s.inFlightAt),
          };
          await testDb.db.kysely
            .insertInto('attempt_counters')
            .values({
              key,
              failures: state.failures,
              locks: state.locks,
              next_allowed_at: state.nextAllowedAt?.toISOString() ?? null,
              locked_until: state.lockedUntil?.toISOString() ?? null,
              in_flight: state.inFlight,
              in_flight_at: state.inFlightAt?.toISOString() ?? null,
            })
            .execute();
          const expected = decideAttempt(policy, state, NOW, IN_FLIGHT.staleSeconds);
          const got = await takeAttemptSlot(testDb.db, key, policy, NOW);
          expect(got.kind).toBe(expected.kind === 'allowed' ? 'taken' : expected.kind);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
