/**
 * Waiting for an in-flight slot (src/core/attempts.ts). A busy attempt pauses and asks again until it gets
 * a slot, is refused for real, or has waited IN_FLIGHT.maxWaitMs. A slot given back on this instance wakes
 * the first waiter for its key at once; the jittered pauses cover slots given back on other instances.
 * Waits are measured in real time: the app's clock only dates what is stored.
 */
import { IN_FLIGHT } from '../config/defaults.ts';
import { nextPauseMs } from '../core/attempts.ts';
import { randomBytes } from '../crypto/index.ts';

const waiters = new Map<string, Array<() => void>>();

/** A slot for `key` was given back (or its state changed): the first waiter decides again now. */
export function wakeNext(key: string): void {
  waiters.get(key)?.[0]?.();
}

function pause(key: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const queue = waiters.get(key) ?? [];
    waiters.set(key, queue);
    const done = (): void => {
      clearTimeout(timer);
      const index = queue.indexOf(done);
      if (index >= 0) queue.splice(index, 1);
      if (queue.length === 0 && waiters.get(key) === queue) waiters.delete(key);
      resolve();
    };
    const timer = setTimeout(done, ms);
    queue.push(done);
  });
}

function random(): number {
  const [a, b] = randomBytes(2);
  return ((a! << 8) | b!) / 65536;
}

/**
 * Runs `attempt` until it is not busy or the wait is over (then the last, busy, result is returned).
 * A waiter that got its answer passes the turn on: a success may have freed several slots, and a
 * refusal for real concerns every waiter.
 */
export async function patiently<T>(key: string, attempt: () => Promise<T>, isBusy: (result: T) => boolean): Promise<T> {
  const deadline = Date.now() + IN_FLIGHT.maxWaitMs;
  let pauseMs = 0;
  let waited = false;
  for (;;) {
    const result = await attempt();
    const busy = isBusy(result);
    if (!busy && waited) wakeNext(key);
    const left = deadline - Date.now();
    if (!busy || left <= 0) return result;
    pauseMs = nextPauseMs(pauseMs, IN_FLIGHT.firstPauseMs, IN_FLIGHT.maxPauseMs, random());
    await pause(key, Math.min(pauseMs, left));
    waited = true;
  }
}
