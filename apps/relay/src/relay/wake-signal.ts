/**
 * Turns any number of "something was appended" notifications into at most one wake-up of the read
 * loop. The loop calls `arm()` before it reads; a notification that arrives while it reads is
 * remembered, so the following `wait()` returns at once instead of losing it.
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

  /** Resolves on the first notification since `arm()`, after `timeoutMs` (the polling fallback), or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('notified');
    }
    if (signal?.aborted) {
      return Promise.resolve('aborted');
    }
    return new Promise((resolve) => {
      const finish = (outcome: 'notified' | 'timeout' | 'aborted') => {
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
