import { backoffDelay, sleep } from '@ledger/platform';
import type { RetryPolicy } from './command-handler.types';

/** An attempt that lost the race for a stream's version and may be retried. */
export const CONFLICTED: unique symbol = Symbol('conflicted');
export type Conflicted = typeof CONFLICTED;

/**
 * Runs `attempt` until it does not conflict, at most `maxAttempts` times: the second attempt at once
 * (the conflict means a writer just committed), later ones after the policy's jittered backoff.
 * `conflicted` hears of each lost race; CONFLICTED when every attempt lost.
 */
export async function retryConflicts<T>(
  maxAttempts: number,
  backoff: RetryPolicy['backoff'],
  attempt: (n: number) => Promise<T | Conflicted>,
  conflicted: (n: number, willRetry: boolean) => void,
): Promise<T | Conflicted> {
  for (let n = 1; n <= maxAttempts; n++) {
    const outcome = await attempt(n);
    if (outcome !== CONFLICTED) return outcome;
    const willRetry = n < maxAttempts;
    conflicted(n, willRetry);
    if (willRetry && n > 1) await sleep(backoffDelay(n - 2, backoff));
  }
  return CONFLICTED;
}
