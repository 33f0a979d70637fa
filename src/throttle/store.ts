/**
 * Database-backed counters shared by every instance: fixed-window request-rate limits and
 * per-account attempt counters (compare-and-swap on a version column).
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { decideAttempt, EMPTY_ATTEMPT_STATE, type AttemptPolicy, type AttemptState } from '../core/attempts.ts';

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

export type AttemptReservation =
  | { readonly allowed: false; readonly retryAt: Date }
  | { readonly allowed: true; readonly locksNow: boolean; readonly state: AttemptState };

function toState(row: { failures: number; locks: number; next_allowed_at: string | null; locked_until: string | null }): AttemptState {
  return {
    failures: Number(row.failures),
    locks: Number(row.locks),
    nextAllowedAt: row.next_allowed_at ? new Date(row.next_allowed_at) : null,
    lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
  };
}

const CAS_RETRIES = 5;

/**
 * Reserves one attempt for `key`: counted as a failure before the secret is checked, so that parallel
 * guesses cannot exceed the limit. Call `clearAttempts` when the secret turns out right.
 */
export async function reserveAttempt(db: Db, key: string, policy: AttemptPolicy, now: Date): Promise<AttemptReservation> {
  await db.kysely.insertInto('attempt_counters').values({ key }).onConflict((oc) => oc.column('key').doNothing()).execute();
  for (let round = 0; round < CAS_RETRIES; round += 1) {
    const row = await db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirst();
    const state = row ? toState(row) : EMPTY_ATTEMPT_STATE;
    const decision = decideAttempt(policy, state, now);
    if (!decision.allowed) return decision;
    const version = Number(row?.version ?? 0);
    const result = await db.kysely
      .updateTable('attempt_counters')
      .set({
        failures: decision.next.failures,
        locks: decision.next.locks,
        next_allowed_at: decision.next.nextAllowedAt?.toISOString() ?? null,
        locked_until: decision.next.lockedUntil?.toISOString() ?? null,
        version: version + 1,
      })
      .where('key', '=', key)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) {
      return { allowed: true, locksNow: decision.locksNow, state: decision.next };
    }
  }
  // Lost every race: another attempt for the same account is being counted right now. Refuse this one.
  return { allowed: false, retryAt: new Date(now.getTime() + 1000) };
}

/** A correct secret ends the run of failures and any lock history. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.kysely
    .updateTable('attempt_counters')
    .set({ failures: 0, locks: 0, next_allowed_at: null, locked_until: null, version: sql`version + 1` })
    .where('key', '=', key)
    .execute();
}

export async function readAttempts(db: Db, key: string): Promise<AttemptState> {
  const row = await db.kysely.selectFrom('attempt_counters').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? toState(row) : EMPTY_ATTEMPT_STATE;
}
