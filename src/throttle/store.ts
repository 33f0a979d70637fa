/**
 * Database-backed counters shared by every instance: fixed-window request-rate limits and per-account
 * attempt counters. An attempt takes an in-flight slot with one conditional update, decided on the
 * confirmed failures it read (guarded by their version); a wrong secret turns the slot into a failure
 * (compare-and-swap on the version), a right one gives it back and clears the failures in one update.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { IN_FLIGHT } from '../config/defaults.ts';
import {
  afterFailure,
  decideAttempt,
  EMPTY_ATTEMPT_STATE,
  staleBefore,
  type AttemptPolicy,
  type AttemptState,
  type FailureState,
} from '../core/attempts.ts';
import { patiently, wakeNext } from './waiting.ts';

export interface RateLimitResult {
  readonly allowed: boolean;
  readonly count: number;
  readonly retryAfterSeconds: number;
}

/** Counts one request against `key` in a fixed window and says whether it is within `limit`. */
export async function hitRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowSeconds: number,
  now: Date,
): Promise<RateLimitResult> {
  const windowMs = windowSeconds * 1000;
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowStart = new Date(startMs).toISOString();
  const row = await db.kysely
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end`,
        in_flight: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.in_flight else 0 end`,
        window_start: sql<string>`excluded.window_start`,
      }),
    )
    .returning(['count'])
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  return {
    allowed: count <= limit,
    count,
    retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - now.getTime()) / 1000)),
  };
}

/**
 * Takes back one hit counted at `countedAt` (when what it counted did not happen, e.g. a message the
 * provider refused); a window that has rolled over since is left alone.
 */
export async function releaseRateLimitHit(db: Db, key: string, windowSeconds: number, countedAt: Date): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const windowStart = new Date(Math.floor(countedAt.getTime() / windowMs) * windowMs).toISOString();
  await db.kysely
    .updateTable('rate_limits')
    .set({ count: sql<number>`count - 1` })
    .where('key', '=', key)
    .where('window_start', '=', windowStart)
    .where('count', '>', 0)
    .execute();
}

type CounterRow = {
  failures: number;
  locks: number;
  next_allowed_at: string | null;
  locked_until: string | null;
  version: number;
  in_flight: number;
  in_flight_at: string | null;
};

function toState(row: CounterRow): AttemptState {
  return {
    failures: Number(row.failures),
    locks: Number(row.locks),
    nextAllowedAt: row.next_allowed_at ? new Date(row.next_allowed_at) : null,
    lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
    inFlight: Number(row.in_flight),
    inFlightAt: row.in_flight_at ? new Date(row.in_flight_at) : null,
  };
}

async function counterRow(db: Db, key: string): Promise<CounterRow> {
  const existing = await db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirst();
  if (existing) return existing;
  await db.kysely
    .insertInto('attempt_counters')
    .values({ key })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
}

/** Rounds for turning a slot into a failure: only other failures and successes of the same key compete. */
const SETTLE_ROUNDS = 50;

export type SlotAttempt =
  { readonly kind: 'refused'; readonly retryAt: Date } | { readonly kind: 'busy' } | { readonly kind: 'taken' };

/**
 * One try at an in-flight slot for `key`, at `now`, in ONE statement on the usual path: an upsert that takes
 * the slot only when the rule of src/core/attempts.ts (decideAttempt) allows it — not locked, not delayed,
 * fewer live slots than the confirmed failures leave — written in SQL so the check and the take are atomic.
 * When it takes nothing, the row is read once to tell a lock or delay (refused) from full slots (busy).
 */
export async function takeAttemptSlot(db: Db, key: string, policy: AttemptPolicy, now: Date): Promise<SlotAttempt> {
  const at = now.toISOString();
  // Slots taken before `stale` are abandoned (src/core/attempts.ts liveInFlight): counted as none.
  const stale = staleBefore(now, IN_FLIGHT.staleSeconds).toISOString();
  const c = (column: string) => sql.ref(`attempt_counters.${column}`);
  const live = sql<number>`(case when ${c('in_flight_at')} is not null and ${c('in_flight_at')} > ${stale} and ${c('in_flight')} > 0 then ${c('in_flight')} else 0 end)`;
  // A lock that has run out starts a new run of failures (runningFailures).
  const running = sql<number>`(case when ${c('locked_until')} is not null then 0 else ${c('failures')} end)`;
  const slots = sql<number>`(case when ${running} >= ${policy.lockAfterFailures} then 0 when ${running} >= ${policy.delayAfterFailures} then 1 else ${policy.delayAfterFailures} - ${running} end)`;
  const allowed = sql<boolean>`not (${c('locked_until')} is not null and ${c('locked_until')} > ${at})
    and not (${c('locked_until')} is null and ${c('next_allowed_at')} is not null and ${c('next_allowed_at')} > ${at})
    and ${live} < ${slots}`;
  const taken = await db.kysely
    .insertInto('attempt_counters')
    .values({ key, in_flight: 1, in_flight_at: at })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ in_flight: sql<number>`${live} + 1`, in_flight_at: at })
        .where(allowed),
    )
    .returning('key')
    .executeTakeFirst();
  if (taken) return { kind: 'taken' };
  const row = await db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirst();
  const decision = decideAttempt(policy, row ? toState(row) : EMPTY_ATTEMPT_STATE, now, IN_FLIGHT.staleSeconds);
  // Allowed by the time it was read: the state moved between the two statements — try again shortly.
  return decision.kind === 'allowed' ? { kind: 'busy' } : decision;
}

/** A wrong secret: its slot becomes a confirmed failure; the delay or lock is computed now. */
export async function settleFailure(
  db: Db,
  key: string,
  policy: AttemptPolicy,
  now: Date,
): Promise<{ state: FailureState; locksNow: boolean }> {
  for (let round = 0; round < SETTLE_ROUNDS; round += 1) {
    const row = await counterRow(db, key);
    const { next, locksNow } = afterFailure(policy, toState(row), now);
    const result = await db.kysely
      .updateTable('attempt_counters')
      .set({
        failures: next.failures,
        locks: next.locks,
        next_allowed_at: next.nextAllowedAt?.toISOString() ?? null,
        locked_until: next.lockedUntil?.toISOString() ?? null,
        version: sql<number>`version + 1`,
        in_flight: sql<number>`case when in_flight > 0 then in_flight - 1 else 0 end`,
      })
      .where('key', '=', key)
      .where('version', '=', Number(row.version))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      wakeNext(key);
      return { state: next, locksNow };
    }
  }
  throw new Error(`attempt counter ${key.split(':')[0]} kept changing`);
}

/** A right secret: its slot is given back and the run of failures (and lock history) ends, in one update. */
export async function settleSuccess(db: Db, key: string): Promise<void> {
  await db.kysely
    .updateTable('attempt_counters')
    .set({
      failures: 0,
      locks: 0,
      next_allowed_at: null,
      locked_until: null,
      // Only a change of the failure state moves the version, so parallel successes do not disturb slot takers.
      version: sql<number>`case when failures <> 0 or locks <> 0 or next_allowed_at is not null or locked_until is not null then version + 1 else version end`,
      in_flight: sql<number>`case when in_flight > 0 then in_flight - 1 else 0 end`,
    })
    .where('key', '=', key)
    .execute();
  wakeNext(key);
}

export type AttemptReservation =
  | { readonly allowed: false; readonly retryAt: Date }
  | {
      readonly allowed: true;
      /** The secret was wrong (or could not be checked): the failure it adds, and whether it locks the step. */
      failed(): Promise<{ state: FailureState; locksNow: boolean }>;
      /** The secret was right. */
      succeeded(): Promise<void>;
    };

/**
 * Reserves one attempt for `key`: refused while locked or delayed by confirmed failures; while every slot
 * is held by attempts being checked, waits for one (bounded) and decides again. Call exactly one of
 * `failed` or `succeeded` once the secret is checked.
 */
export async function reserveAttempt(
  db: Db,
  key: string,
  policy: AttemptPolicy,
  clock: () => Date,
): Promise<AttemptReservation> {
  const attempt = await patiently(
    key,
    () => takeAttemptSlot(db, key, policy, clock()),
    (a) => a.kind === 'busy',
  );
  if (attempt.kind === 'refused') return { allowed: false, retryAt: attempt.retryAt };
  // Still busy after the longest wait: refused like a throttled attempt.
  if (attempt.kind === 'busy') return { allowed: false, retryAt: new Date(clock().getTime() + 1000) };
  return {
    allowed: true,
    failed: () => settleFailure(db, key, policy, clock()),
    succeeded: () => settleSuccess(db, key),
  };
}

/** Ends the run of failures and any lock history (a password reset); slots in flight are left alone. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.kysely
    .updateTable('attempt_counters')
    .set({ failures: 0, locks: 0, next_allowed_at: null, locked_until: null, version: sql`version + 1` })
    .where('key', '=', key)
    .execute();
  wakeNext(key);
}
