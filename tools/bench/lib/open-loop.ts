import { performance } from 'node:perf_hooks';
import { sleep } from '@ledger/platform';

export interface OpenLoopResult {
  readonly sent: number;
  readonly seconds: number;
  /** How late the worst send left against its schedule: a loaded generator shows here, not as lower load. */
  readonly maxLagMs: number;
  /** The 99th percentile of that lateness. */
  readonly p99LagMs: number;
}

/**
 * Open loop: operation n is started at `start + n / rate`, whether or not earlier ones have answered,
 * so a slow system meets the same arrivals as a fast one (no coordinated omission). Resolves when
 * every operation started has settled; `fire` must not throw (it records its own failures).
 */
export async function openLoop(ratePerSecond: number, durationMs: number, fire: (n: number) => Promise<void>): Promise<OpenLoopResult> {
  const intervalMs = 1000 / ratePerSecond;
  const total = Math.floor((durationMs / 1000) * ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  const lags: number[] = [];
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + n * intervalMs;
    const ahead = due - performance.now();
    if (ahead > 1) await sleep(ahead);
    lags.push(Math.max(0, performance.now() - due));
    const task = fire(n);
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  lags.sort((a, b) => a - b);
  return {
    sent: total,
    seconds,
    maxLagMs: lags[lags.length - 1] ?? 0,
    p99LagMs: lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)] ?? 0,
  };
}
