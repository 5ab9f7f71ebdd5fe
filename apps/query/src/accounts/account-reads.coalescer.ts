import { Inject, Injectable } from '@nestjs/common';
import { QueryMetrics } from '../query.metrics';
import type { AccountRecord, HistoryRecord } from './account.record';
import { AccountReader, type AccountChanges } from './account.reader';

/** The one read the coalescer shares (AccountReader's). */
export interface AccountChangesPort {
  accountWithChanges(accountId: string, afterVersion: number, take: number): Promise<AccountChanges>;
}

/** A stream's share of a read: the rows after its own position, oldest first; not `complete` when more may follow. */
export interface ChangesAfter {
  readonly changes: readonly HistoryRecord[];
  readonly complete: boolean;
}

/** Rows per read: a slow client gets at most one batch queued beyond what it has taken. */
export const CHANGES_BATCH = 200;

interface Request {
  /** The stream's position; null: the account alone is wanted. */
  readonly after: number | null;
  resolve(read: AccountChanges): void;
  reject(error: unknown): void;
}

/**
 * Serves the readers of one account that a change wakes together (read-your-writes waits, streams)
 * from one read: requests made before a read of that account starts share it, the rows read from the
 * lowest position asked, each stream taking the suffix after its own. A request never joins a read
 * already under way (it could predate the change that woke it): it waits for the next one.
 *
 * Readers woken by one notification ask within the same turn of the event loop, so the read waits
 * for the end of that turn (setImmediate) to gather them.
 */
@Injectable()
export class AccountReadsCoalescer {
  private readonly queued = new Map<string, Request[]>();
  private readonly reading = new Set<string>();

  constructor(
    @Inject(AccountReader) private readonly reader: AccountChangesPort,
    private readonly metrics: QueryMetrics,
  ) {}

  /** The account as a read started after this call finds it. */
  async account(accountId: string): Promise<AccountRecord | null> {
    return (await this.request(accountId, null)).account;
  }

  /** The history rows after `afterVersion`, as a read started after this call finds them. */
  async changesAfter(accountId: string, afterVersion: number): Promise<ChangesAfter> {
    const read = await this.request(accountId, afterVersion);
    return { changes: suffixAfter(read.changes, afterVersion), complete: read.changes.length < CHANGES_BATCH };
  }

  private request(accountId: string, after: number | null): Promise<AccountChanges> {
    return new Promise((resolve, reject) => {
      const queue = this.queued.get(accountId);
      if (queue !== undefined) {
        queue.push({ after, resolve, reject });
        return;
      }
      this.queued.set(accountId, [{ after, resolve, reject }]);
      if (!this.reading.has(accountId)) this.schedule(accountId);
    });
  }

  private schedule(accountId: string): void {
    setImmediate(() => void this.read(accountId));
  }

  private async read(accountId: string): Promise<void> {
    const requests = this.queued.get(accountId) ?? [];
    this.queued.delete(accountId);
    this.reading.add(accountId);
    try {
      const from = lowestPosition(requests);
      const read = await this.reader.accountWithChanges(accountId, from ?? 0, from === null ? 0 : CHANGES_BATCH);
      this.metrics.accountReads.inc();
      for (const request of requests) request.resolve(read);
    } catch (error) {
      for (const request of requests) request.reject(error);
    } finally {
      this.reading.delete(accountId);
      if (this.queued.has(accountId)) this.schedule(accountId);
    }
  }
}

/** The lowest position of the streams among `requests`; null when none is a stream's. */
function lowestPosition(requests: readonly Request[]): number | null {
  let lowest: number | null = null;
  for (const { after } of requests) if (after !== null && (lowest === null || after < lowest)) lowest = after;
  return lowest;
}

function suffixAfter(changes: readonly HistoryRecord[], afterVersion: number): readonly HistoryRecord[] {
  const first = changes.findIndex((row) => Number(row.version) > afterVersion);
  return first === -1 ? [] : first === 0 ? changes : changes.slice(first);
}
