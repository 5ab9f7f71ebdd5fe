export type WakeOutcome = 'notified' | 'timeout' | 'aborted';

/**
 * Turns any number of "something changed" notifications into at most one wake-up of a single waiter
 * that re-reads after each one. A notification that arrives while the waiter is busy reading is
 * remembered, so the following `wait()` returns at once instead of sleeping through it.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Forgets notifications so far: the read that follows will see everything they announced. */
  arm(): void {
    this.pending = false;
  }

  /**
   * Resolves on the first notification since `arm()` (or the previous wake-up), after `timeoutMs`
   * (at once when it is 0 or less and nothing is pending), or on abort.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<WakeOutcome> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('notified');
    }
    if (signal?.aborted) return Promise.resolve('aborted');
    if (timeoutMs <= 0) return Promise.resolve('timeout');
    return new Promise((resolve) => {
      const finish = (outcome: WakeOutcome) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === onNotify) this.waiter = null;
        this.pending = false;
        resolve(outcome);
      };
      const onNotify = () => finish('notified');
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = onNotify;
    });
  }
}
