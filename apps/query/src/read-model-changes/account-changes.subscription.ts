import { WakeSignal } from '@ledger/platform';
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
  private readonly wake = new WakeSignal();
  private readonly unsubscribe: () => void;

  /** `isRelevant` filters notifications (e.g. versions below the one awaited); null always counts. */
  constructor(source: ChangeSource, accountId: string, isRelevant: (version: number) => boolean = () => true) {
    this.unsubscribe = source.subscribe(accountId, (version) => {
      if (version !== null && !isRelevant(version)) return;
      this.wake.notify();
    });
  }

  /** true once a relevant change arrived since the previous call; false after `timeoutMs` or on abort. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return (await this.wake.wait(timeoutMs, signal)) === 'notified';
  }

  close(): void {
    this.unsubscribe();
  }
}
