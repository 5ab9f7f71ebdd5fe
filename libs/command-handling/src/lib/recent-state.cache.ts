import type { Loaded, StateCache } from './command-handler.types';

export const RECENT_STATE_CACHE_SIZE = 100_000;

/**
 * The state and version each recently written stream reached, so the next command on it skips the
 * read. Safe because every append still carries the version it was decided at: if another replica
 * moved the stream on, the append conflicts, the entry is dropped and the retry reads the store.
 * Bounded, least recently used out first.
 */
export class RecentStateCache<S> implements StateCache<S> {
  private readonly entries = new Map<string, Loaded<S>>();

  constructor(private readonly capacity = RECENT_STATE_CACHE_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new Error(`RecentStateCache: capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** The remembered state, unless the caller expects another version (then only the store can say). */
  get(streamId: string, expectedVersion?: number): Loaded<S> | undefined {
    const entry = this.entries.get(streamId);
    if (entry === undefined) return undefined;
    if (expectedVersion !== undefined && entry.version !== expectedVersion) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry;
  }

  remember(streamId: string, loaded: Loaded<S>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, loaded);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}
