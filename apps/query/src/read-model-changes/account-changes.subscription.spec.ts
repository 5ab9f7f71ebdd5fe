import type { ChangeCallback } from './read-model-changes.listener';
import { AccountChangesSubscription, type ChangeSource } from './account-changes.subscription';

class FakeSource implements ChangeSource {
  readonly callbacks = new Map<string, Set<ChangeCallback>>();

  subscribe(accountId: string, callback: ChangeCallback): () => void {
    const set = this.callbacks.get(accountId) ?? new Set();
    set.add(callback);
    this.callbacks.set(accountId, set);
    return () => set.delete(callback);
  }

  emit(accountId: string, version: number | null): void {
    for (const callback of this.callbacks.get(accountId) ?? []) callback(version);
  }
}

/** `next(0)` answers without waiting: whether a relevant change is pending. */
const NOW = 0;

describe('AccountChangesSubscription', () => {
  // On a fake clock that never moves, a wait that needed time could not settle: "at once" is an ordering.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given a change between the read and the wait, then the wait returns at once', async () => {
    const source = new FakeSource();
    const changes = new AccountChangesSubscription(source, 'a');
    source.emit('a', 3);
    const waiting = changes.next(5_000);
    expect(jest.getTimerCount()).toBe(0);
    await expect(waiting).resolves.toBe(true);
  });

  it('given several changes before a wait, then they count as one', async () => {
    const source = new FakeSource();
    const changes = new AccountChangesSubscription(source, 'a');
    source.emit('a', 2);
    source.emit('a', 3);
    await expect(changes.next(5_000)).resolves.toBe(true);
    await expect(changes.next(NOW)).resolves.toBe(false);
  });

  it('given a waiting reader, when the account changes, then it wakes', async () => {
    const source = new FakeSource();
    const changes = new AccountChangesSubscription(source, 'a');
    const waiting = changes.next(5_000);
    source.emit('a', 1);
    await expect(waiting).resolves.toBe(true);
  });

  it('ignores other accounts and irrelevant versions, but never a re-check (null)', async () => {
    const source = new FakeSource();
    const changes = new AccountChangesSubscription(source, 'a', (version) => version >= 5);
    source.emit('b', 9);
    source.emit('a', 4);
    await expect(changes.next(NOW)).resolves.toBe(false);
    source.emit('a', null);
    await expect(changes.next(NOW)).resolves.toBe(true);
    source.emit('a', 5);
    await expect(changes.next(NOW)).resolves.toBe(true);
  });

  it('given an abort, then the wait ends without a change; after close nothing is delivered', async () => {
    const source = new FakeSource();
    const changes = new AccountChangesSubscription(source, 'a');
    const abort = new AbortController();
    const waiting = changes.next(5_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe(false);
    changes.close();
    expect(source.callbacks.get('a')?.size).toBe(0);
  });
});
