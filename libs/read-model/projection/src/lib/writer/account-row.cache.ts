import type { AccountView } from '@ledger/read-model-schema';

/** An account's row as this writer last wrote or read it: the view and the row version's `xmin`. */
export interface KnownAccountRow {
  readonly view: AccountView;
  readonly rowXmin: string;
}

/**
 * The account rows a writer last wrote or read, at most `capacity`, the least recently used dropped
 * first. Only a hint: a guarded write checks that each row is still the version it was planned from,
 * so a row another writer changed (a partition moved, an operator's replay, a rebuild) costs a retry
 * under locks, never a wrong write.
 */
export class AccountRowCache {
  private readonly rows = new Map<string, KnownAccountRow>();

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.rows.size;
  }

  get(accountId: string): KnownAccountRow | undefined {
    const row = this.rows.get(accountId);
    if (row !== undefined) this.touch(accountId, row);
    return row;
  }

  /**
   * The row without making it the most recently used: for a writer about to `set` (or `forget`) what it
   * looked up, which would otherwise reorder the map twice per account per batch.
   */
  peek(accountId: string): KnownAccountRow | undefined {
    return this.rows.get(accountId);
  }

  set(accountId: string, row: KnownAccountRow): void {
    this.touch(accountId, row);
    if (this.rows.size > this.capacity) {
      const [oldest] = this.rows.keys();
      if (oldest !== undefined) this.rows.delete(oldest);
    }
  }

  forget(accountIds: readonly string[]): void {
    for (const accountId of accountIds) this.rows.delete(accountId);
  }

  /** A Map iterates in insertion order: re-inserting makes the row the most recently used. */
  private touch(accountId: string, row: KnownAccountRow): void {
    this.rows.delete(accountId);
    this.rows.set(accountId, row);
  }
}
