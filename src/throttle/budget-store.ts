/**
 * Failure budgets in the database, one rate_limits row per key: `count` holds the confirmed failures and
 * `in_flight` the attempts being checked, both in the fixed window that contains the time of the count
 * (a slot left by a process that died mid-check goes with its window).
 */
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { decideBudget } from '../core/attempts.ts';
import { hitRateLimit } from './store.ts';

export type BudgetTry = { readonly status: 'reserved' | 'busy' | 'refused'; readonly retryAfterSeconds: number };

function windowOf(at: Date, windowSeconds: number): { start: string; retryAfterSeconds: number } {
  const windowMs = windowSeconds * 1000;
  const startMs = Math.floor(at.getTime() / windowMs) * windowMs;
  return {
    start: new Date(startMs).toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - at.getTime()) / 1000)),
  };
}

/** Takes a slot when failures + slots are under `limit` (one upsert); otherwise says whether to wait or stop. */
export async function reserveBudgetSlot(
  db: Db,
  key: string,
  limit: number,
  windowSeconds: number,
  now: Date,
): Promise<BudgetTry> {
  const window = windowOf(now, windowSeconds);
  const same = sql<boolean>`rate_limits.window_start = excluded.window_start`;
  const taken = await db.kysely
    .insertInto('rate_limits')
    .values({ key, window_start: window.start, count: 0, in_flight: 1 })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          count: sql<number>`case when ${same} then rate_limits.count else 0 end`,
          in_flight: sql<number>`case when ${same} then rate_limits.in_flight + 1 else 1 end`,
          window_start: sql<string>`excluded.window_start`,
        })
        .where(sql<boolean>`not (${same}) or rate_limits.count + rate_limits.in_flight < ${limit}`),
    )
    .returning(['count'])
    .executeTakeFirst();
  if (taken) return { status: 'reserved', retryAfterSeconds: window.retryAfterSeconds };
  const row = await db.kysely
    .selectFrom('rate_limits')
    .select(['count', 'in_flight', 'window_start'])
    .where('key', '=', key)
    .executeTakeFirst();
  // Changed in between (a new window, a slot given back): ask again at once.
  if (!row || row.window_start !== window.start) return { status: 'busy', retryAfterSeconds: 1 };
  const decision = decideBudget(limit, Number(row.count), Number(row.in_flight));
  if (decision === 'refused') return { status: 'refused', retryAfterSeconds: window.retryAfterSeconds };
  return { status: 'busy', retryAfterSeconds: 1 };
}

/**
 * Gives back a slot taken at `reservedAt`; a failure stays counted — in the slot's window while that is
 * still the current one, else in the current window (the slot went with its window).
 */
export async function settleBudgetSlot(
  db: Db,
  key: string,
  windowSeconds: number,
  reservedAt: Date,
  failed: boolean,
  now: Date,
): Promise<void> {
  const window = windowOf(now, windowSeconds);
  if (windowOf(reservedAt, windowSeconds).start === window.start) {
    const settled = await db.kysely
      .updateTable('rate_limits')
      .set({ in_flight: sql<number>`in_flight - 1`, count: sql<number>`count + ${failed ? 1 : 0}` })
      .where('key', '=', key)
      .where('window_start', '=', window.start)
      .where('in_flight', '>', 0)
      .executeTakeFirst();
    if (Number(settled.numUpdatedRows) === 1) return;
  }
  // No slot here (it went with its window, or it was taken in another store): count the failure alone.
  if (failed) await hitRateLimit(db, key, Number.MAX_SAFE_INTEGER, windowSeconds, now);
}
