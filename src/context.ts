/** What every service needs: configuration and the ports (database, keys, clock, mail, rate limits), passed in. */
import type { Config } from './config/index.ts';
import { wrapKysely, type Db } from './db/connect.ts';
import type { Keyring } from './crypto/keyring.ts';
import type { Clock } from './core/clock.ts';
import { queueMailWithin, type MailQueue } from './mail/queue.ts';
import type { OutgoingMail } from './mail/transport.ts';
import type { RequestMeta } from './audit/store.ts';
import { recordAudit, type AuditEntry } from './audit/store.ts';
import type { RateLimiter } from './throttle/rate-limiter.ts';
import type { EventBus } from './events/bus.ts';

export interface AppDeps {
  readonly db: Db;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly mail: MailQueue;
  /** Request-rate limits; without one, buildApp counts them in the database. */
  readonly rateLimiter?: RateLimiter;
  /** In-process events with their subscriptions (src/compose.ts); buildApp composes them when absent. */
  readonly events?: EventBus<Ctx>;
}

export interface Ctx extends AppDeps {
  readonly config: Config;
  readonly events: EventBus<Ctx>;
  /** Inside inTransaction: work to run once the transaction has committed. */
  readonly afterCommit?: Array<() => void>;
  /** Inside inTransaction: the context to use once the transaction has committed. */
  readonly committed?: Ctx;
}

/** Writes an audit row and announces it (metrics count it after commit). */
export async function audit(ctx: Ctx, meta: RequestMeta | null, entry: AuditEntry): Promise<void> {
  await recordAudit(ctx.db, ctx.clock(), meta, entry);
  await ctx.events.publish(ctx, 'audit.recorded', entry);
}

export function link(ctx: Ctx, pathAndQuery: string): string {
  return new URL(pathAndQuery, ctx.config.publicUrl).toString();
}

/**
 * Runs `work` in one database transaction — or in the caller's, when `ctx` is already inside one — so that
 * a crash leaves all of its writes or none. Inside, use only the `tx` context, and send mail after commit.
 */
export async function inTransaction<T>(ctx: Ctx, work: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.kysely.isTransaction) return work(ctx);
  const afterCommit: Array<() => void> = [];
  const result = await ctx.db.kysely
    .transaction()
    .execute((trx) =>
      work({ ...ctx, db: wrapKysely(trx, ctx.db.dialect, ctx.db.pgSchema), afterCommit, committed: ctx }),
    );
  for (const run of afterCommit) run();
  return result;
}

/**
 * Sends a message. Inside inTransaction it is written to the outbox with the transaction's other writes
 * (it leaves with them or not at all) and delivered once they have committed; outside, it is sent at once.
 */
export async function sendMail(ctx: Ctx, mail: OutgoingMail): Promise<void> {
  if (!ctx.afterCommit) {
    await ctx.mail.send(mail, ctx.clock());
    return;
  }
  const queued = await queueMailWithin(ctx.db, [mail], ctx.clock(), { sendAfterCommit: true });
  const committed = ctx.committed ?? ctx;
  // A failed send stays pending in the outbox: the retry loop delivers it.
  ctx.afterCommit.push(() => void committed.mail.sendQueued(queued, committed.clock()).catch(() => {}));
}
