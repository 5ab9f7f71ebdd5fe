import { LoadedAccount } from './account.repository';

export const ACCOUNT_STATE_CACHE_SIZE = 100_000;

/**
 * The state and version each recently written account reached, so the next command on it skips the
 * read. Safe because every append still carries the version it was decided at: if another replica
 * moved the account on, the append conflicts, the entry is dropped and the retry reads the store.
 * Bounded, least recently used out first.
 */
export class AccountStateCache {
  private readonly entries = new Map<string, LoadedAccount>();

  constructor(private readonly capacity = ACCOUNT_STATE_CACHE_SIZE) {}

  /** The remembered account, unless the caller expects another version (then only the store can say). */
  get(accountId: string, expectedVersion?: number): LoadedAccount | undefined {
    const entry = this.entries.get(accountId);
    if (entry === undefined) return undefined;
    if (expectedVersion !== undefined && entry.version !== expectedVersion) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(accountId);
    this.entries.set(accountId, entry);
    return entry;
  }

  remember(accountId: string, account: LoadedAccount): void {
    this.entries.delete(accountId);
    this.entries.set(accountId, account);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
  }

  get size(): number {
    return this.entries.size;
  }
}
