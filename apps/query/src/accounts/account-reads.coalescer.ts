import { Inject, Injectable } from '@nestjs/common';
import { required } from '@ledger/platform';
import { QueryMetrics } from '../query.metrics';
import type { AccountRecord, HistoryRecord } from './account.record';
import { AccountReader, type AccountChanges, type ChangesWanted } from './account.reader';

/** The one read the coalescer shares (AccountReader's): several accounts in one statement, answered in the order asked. */
export interface AccountChangesPort {
  accountsWithChanges(wanted: readonly ChangesWanted[]): Promise<AccountChanges[]>;
}

/** A stream's share of a read: the rows after its own position, oldest first; not `complete` when more may follow. */
export interface ChangesAfter {
  readonly changes: readonly HistoryRecord[];
  readonly complete: boolean;
}

/** Rows per account and read: a slow client gets at most one batch queued beyond what it has taken. */
export const CHANGES_BATCH = 200;

/** Accounts per statement: a wake-up of many accounts takes several statements rather than one giant one. */
export const ACCOUNTS_PER_READ = 100;

interface Request {
  /** The stream's position; null: the account alone is wanted. */
  readonly after: number | null;
  resolve(read: AccountChanges): void;
  reject(error: unknown): void;
}

interface AccountRequests {
  readonly accountId: string;
  readonly requests: readonly Request[];
}

/**
 * Serves the readers of one account that a change wakes together (read-your-writes waits, streams)
 * from one read: requests made before a read of that account starts share it, the rows read from the
 * lowest position asked, each stream taking the suffix after its own. A request never joins a read
 * already under way (it could predate the change that woke it): it waits for the next one.
 *
 * Readers woken by one notification ask within the same turn of the event loop, so reads wait for the
 * end of that turn (setImmediate) to gather them; the accounts of one turn, a projector batch's, are
 * read in one statement (ACCOUNTS_PER_READ at most), and an account whose read is under way joins the
 * turn after that read ends. A failed statement fails the requests it was reading for, no others.
 */
@Injectable()
export class AccountReadsCoalescer {
  private readonly queued = new Map<string, Request[]>();
  private readonly reading = new Set<string>();
  private scheduled = false;

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
      if (!this.reading.has(accountId)) this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.readQueued();
    });
  }

  /** Starts the reads of every queued account that no read is under way for. */
  private readQueued(): void {
    let batch: AccountRequests[] = [];
    for (const [accountId, requests] of this.queued) {
      if (this.reading.has(accountId)) continue;
      this.queued.delete(accountId);
      this.reading.add(accountId);
      batch.push({ accountId, requests });
      if (batch.length === ACCOUNTS_PER_READ) {
        void this.read(batch);
        batch = [];
      }
    }
    if (batch.length > 0) void this.read(batch);
  }

  private async read(batch: readonly AccountRequests[]): Promise<void> {
    try {
      const reads = await this.reader.accountsWithChanges(batch.map(({ accountId, requests }) => wanted(accountId, requests)));
      this.metrics.accountReadStatements.inc();
      this.metrics.accountReads.inc(batch.length);
      batch.forEach(({ requests }, index) => {
        const read = required(reads[index], 'a read for every account asked');
        for (const request of requests) request.resolve(read);
      });
    } catch (error) {
      for (const { requests } of batch) for (const request of requests) request.reject(error);
    } finally {
      for (const { accountId } of batch) this.reading.delete(accountId);
      if (batch.some(({ accountId }) => this.queued.has(accountId))) this.schedule();
    }
  }
}

/** What one account's requests need: the rows after the lowest position among its streams, or the account alone. */
function wanted(accountId: string, requests: readonly Request[]): ChangesWanted {
  const from = lowestPosition(requests);
  return { accountId, afterVersion: from ?? 0, take: from === null ? 0 : CHANGES_BATCH };
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
