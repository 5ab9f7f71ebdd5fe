/**
 * Resolves once `signal` aborts, or at once when it already has: a plain `addEventListener('abort')`
 * on a signal aborted earlier waits forever (a shutdown that began while a session was connecting).
 */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
