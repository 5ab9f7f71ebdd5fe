import { sleep } from '@ledger/platform';

export interface SchedulerClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms` (at once for 0 or less), or early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: SchedulerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => (ms > 0 ? sleep(ms, signal) : Promise.resolve()),
};

export interface OpenLoopOptions {
  /** Requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Requests started and not finished at most; a request due while the cap is reached starts late. */
  readonly maxInFlight: number;
  readonly clock?: SchedulerClock;
  /** Stops scheduling; requests in flight are still awaited. */
  readonly signal?: AbortSignal;
}

export interface OpenLoopResult {
  /** Requests started. */
  readonly started: number;
  /** Requests started after their time, because the in-flight cap was reached. */
  readonly late: number;
  /** The longest such delay. */
  readonly maxDelayMs: number;
  /** Requests never started: they were due while the cap was still reached when the time was up. */
  readonly dropped: number;
}

/**
 * An open loop: request i is due at start + i / rate, whatever became of the earlier ones, so a slow
 * or failing service does not slow the load down (a closed loop would hide its latency). In flight
 * requests are capped: past the cap, due requests wait for a slot and then start at once, in order;
 * those still waiting when the duration is over are dropped. Every request due within the duration is
 * started otherwise, even by a loop running late; `start` gets the time each request was due.
 */
export async function runOpenLoop(
  options: OpenLoopOptions,
  start: (index: number, dueAt: number) => Promise<void>,
): Promise<OpenLoopResult> {
  const clock = options.clock ?? realClock;
  const begin = clock.now();
  const end = begin + options.durationMs;
  const interval = 1000 / options.rate;
  const inFlight = new Set<Promise<void>>();
  let late = 0;
  let maxDelayMs = 0;
  const aborted = () => options.signal?.aborted === true;
  const due = Math.ceil(options.durationMs / interval);
  let dropped = 0;
  let index = 0;
  for (; index < due && !aborted(); index++) {
    const dueAt = begin + index * interval;
    await clock.sleep(dueAt - clock.now(), options.signal);
    while (inFlight.size >= options.maxInFlight && !aborted() && clock.now() < end) await Promise.race(inFlight);
    if (aborted()) break;
    // Still at the cap when the time is up: what is due is dropped, or the run would overrun by it.
    if (inFlight.size >= options.maxInFlight) {
      dropped = due - index;
      break;
    }
    const delay = clock.now() - dueAt;
    if (delay > interval) {
      late++;
      maxDelayMs = Math.max(maxDelayMs, delay);
    }
    const request: Promise<void> = start(index, dueAt)
      .catch(() => undefined)
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return { started: index, late, maxDelayMs, dropped };
}
