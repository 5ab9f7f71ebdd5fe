import type { ChangeCallback } from './read-model-changes.listener';

/** Where change notifications come from (the shared listener). */
export interface ChangeSource {
  subscribe(accountId: string, callback: ChangeCallback): () => void;
}

/**
 * One reader's subscription to an account's changes, taken before its first read: a change that lands
 * between a read and the next wait is remembered, so `next()` returns at once and the reader re-reads
 * instead of sleeping through it. Any number of changes between two waits count as one.
 */
export class AccountChangesSubscription {
  private pending = false;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  /** `isRelevant` filters notifications (e.g. versions below the one awaited); null always counts. */
  constructor(source: ChangeSource, accountId: string, isRelevant: (version: number) => boolean = () => true) {
    this.unsubscribe = source.subscribe(accountId, (version) => {
      if (version !== null && !isRelevant(version)) return;
      this.pending = true;
      this.wake?.();
    });
  }

  /** true once a relevant change arrived since the previous call; false after `timeoutMs` or on abort. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (changed: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = null;
        this.pending = false;
        resolve(changed);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => finish(true);
    });
  }

  close(): void {
    this.unsubscribe();
    this.wake = null;
  }
}
