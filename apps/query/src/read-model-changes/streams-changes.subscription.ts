import { WakeSignal } from '@ledger/platform';
import type { ChangeSource } from './account-changes.subscription';

/**
 * One reader's subscription to the changes of several streams (a transfer's own and its accounts'),
 * which it may learn of only as it reads: `follow` adds one. As with AccountChangesSubscription, a
 * change that lands between a read and the next wait is remembered; a stream followed after a read
 * may have changed before it was followed, so the reader re-reads once `follow` says it added one.
 */
export class StreamsChangesSubscription {
  private readonly wake = new WakeSignal();
  private readonly unsubscribes = new Map<string, () => void>();

  constructor(private readonly source: ChangeSource) {}

  /** true when `streamIds` held one not followed yet (the caller then reads again before waiting). */
  follow(streamIds: Iterable<string>): boolean {
    let added = false;
    for (const streamId of streamIds) {
      const key = streamId.toLowerCase();
      if (this.unsubscribes.has(key)) continue;
      this.unsubscribes.set(
        key,
        this.source.subscribe(key, () => this.wake.notify()),
      );
      added = true;
    }
    return added;
  }

  /** true once a change arrived since the previous call; false after `timeoutMs` or on abort. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return (await this.wake.wait(timeoutMs, signal)) === 'notified';
  }

  close(): void {
    for (const unsubscribe of this.unsubscribes.values()) unsubscribe();
    this.unsubscribes.clear();
  }
}
