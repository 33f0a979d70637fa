/**
 * In-process events, so that a lower module can announce something without knowing who listens: sessions
 * announce "sessions ended" and the OpenID Connect storage ends the apps' sessions; the audit log announces
 * each event and metrics count it. Subscriptions are made once, where the app is composed (src/compose.ts).
 *
 * A subscriber marked `afterCommit` runs only once the surrounding database transaction has committed
 * (immediately when there is none); the others run at once, inside it, with the publisher's context.
 */
import type { AuditEntry } from '../audit/store.ts';

export interface AppEvents {
  /** One session (`everything: false`) or every session of the user (`true`: sign out everywhere, reset…). */
  readonly 'sessions.ended': { readonly userId: string; readonly everything: boolean };
  /** An audit row was written. */
  readonly 'audit.recorded': AuditEntry;
}

export type EventName = keyof AppEvents;

/** What a publisher hands to subscribers: its context, whose database handle may be a transaction. */
export interface EventContext {
  /** Work to run after the surrounding transaction commits (absent outside a transaction). */
  readonly afterCommit?: Array<() => void>;
  /** Inside a transaction: the context to use once it has committed (its database handle is not the transaction's). */
  readonly committed?: this;
}

/** After-commit subscribers are synchronous (counting, notifying in memory): the transaction is already over. */
type Handler<C, K extends EventName> = (ctx: C, payload: AppEvents[K]) => Promise<void> | void;

interface Subscription<C> {
  readonly handler: Handler<C, EventName>;
  readonly afterCommit: boolean;
}

export interface EventBus<C extends EventContext = EventContext> {
  subscribe<K extends EventName>(name: K, handler: Handler<C, K>, options?: { afterCommit?: boolean }): void;
  publish<K extends EventName>(ctx: C, name: K, payload: AppEvents[K]): Promise<void>;
}

export function createEventBus<C extends EventContext>(): EventBus<C> {
  const subscriptions = new Map<EventName, Subscription<C>[]>();
  return {
    subscribe(name, handler, options = {}) {
      const list = subscriptions.get(name) ?? [];
      list.push({ handler: handler as Handler<C, EventName>, afterCommit: options.afterCommit === true });
      subscriptions.set(name, list);
    },
    async publish(ctx, name, payload) {
      for (const { handler, afterCommit } of subscriptions.get(name) ?? []) {
        if (afterCommit && ctx.afterCommit) ctx.afterCommit.push(() => void handler(ctx.committed ?? ctx, payload));
        else await handler(ctx, payload);
      }
    },
  };
}
