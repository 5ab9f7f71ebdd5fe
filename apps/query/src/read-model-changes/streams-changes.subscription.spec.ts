import type { ChangeCallback } from './read-model-changes.listener';
import type { ChangeSource } from './account-changes.subscription';
import { StreamsChangesSubscription } from './streams-changes.subscription';

class FakeSource implements ChangeSource {
  readonly callbacks = new Map<string, Set<ChangeCallback>>();

  subscribe(key: string, callback: ChangeCallback): () => void {
    const set = this.callbacks.get(key) ?? new Set();
    set.add(callback);
    this.callbacks.set(key, set);
    return () => set.delete(callback);
  }

  emit(key: string, version: number | null): void {
    for (const callback of this.callbacks.get(key) ?? []) callback(version);
  }

  get subscribed(): number {
    return [...this.callbacks.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

describe('StreamsChangesSubscription', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('says whether follow added a stream, once per stream, whatever its case', () => {
    const source = new FakeSource();
    const changes = new StreamsChangesSubscription(source);
    expect(changes.follow(['transfer-t', 'A'])).toBe(true);
    expect(changes.follow(['a', 'transfer-t'])).toBe(false);
    expect(changes.follow(['a', 'b'])).toBe(true);
    expect(source.subscribed).toBe(3);
  });

  it('given a change on any followed stream, then the next wait returns at once', async () => {
    const source = new FakeSource();
    const changes = new StreamsChangesSubscription(source);
    changes.follow(['a', 'b']);
    source.emit('b', 4);
    const waiting = changes.next(5_000);
    expect(jest.getTimerCount()).toBe(0);
    await expect(waiting).resolves.toBe(true);
  });

  it('given a change on a stream not followed, then the wait runs out', async () => {
    const source = new FakeSource();
    const changes = new StreamsChangesSubscription(source);
    changes.follow(['a']);
    source.emit('b', 4);
    const waiting = changes.next(1_000);
    jest.advanceTimersByTime(1_000);
    await expect(waiting).resolves.toBe(false);
  });

  it('unsubscribes from every stream on close', () => {
    const source = new FakeSource();
    const changes = new StreamsChangesSubscription(source);
    changes.follow(['a', 'b', 'c']);
    changes.close();
    expect(source.subscribed).toBe(0);
  });
});
