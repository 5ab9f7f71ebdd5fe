import { MetricsRegistry } from '@ledger/platform';
import { QueryMetrics } from '../query.metrics';
import { AccountReadsCoalescer, CHANGES_BATCH, type AccountChangesPort } from './account-reads.coalescer';
import type { AccountRecord, HistoryRecord } from './account.record';
import type { AccountChanges } from './account.reader';

const ACCOUNT = '3f1c1d9e-6a55-4d6e-9a53-2f9b3c1e0a01';

const row = (version: number): HistoryRecord => ({
  accountId: ACCOUNT,
  version: String(version),
  eventId: `event-${version}`,
  type: 'MoneyDeposited',
  amount: '1',
  balanceAfter: String(version),
  statusAfter: 'ACTIVE',
  reason: null,
  occurredAt: new Date(0),
  transferId: null,
  counterpartyAccountId: null,
  reservedAfter: '0',
});

/** An account's history in memory, read as the read model would be; every read is recorded. */
class FakeReads implements AccountChangesPort {
  readonly calls: { afterVersion: number; take: number }[] = [];
  version = 0;
  private pending: (() => void) | null = null;
  /** While set, reads wait for `release()`, so a test can act during one. */
  hold = false;

  append(count: number): void {
    this.version += count;
  }

  async accountWithChanges(accountId: string, afterVersion: number, take: number): Promise<AccountChanges> {
    this.calls.push({ afterVersion, take });
    // The snapshot is taken when the read starts, as a statement's is.
    const version = this.version;
    if (this.hold) await new Promise<void>((resolve) => (this.pending = resolve));
    const changes: HistoryRecord[] = [];
    for (let v = afterVersion + 1; v <= version && changes.length < take; v++) changes.push(row(v));
    const account = version === 0 ? null : ({ accountId, version: String(version) } as AccountRecord);
    return { account, changes };
  }

  release(): void {
    this.hold = false;
    this.pending?.();
  }
}

const versions = (rows: readonly HistoryRecord[]) => rows.map((r) => Number(r.version));

/** Lets every read that can start and settle without the clock moving do so. */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

describe('AccountReadsCoalescer', () => {
  let reads: FakeReads;
  let metrics: QueryMetrics;
  let coalescer: AccountReadsCoalescer;

  beforeEach(() => {
    reads = new FakeReads();
    metrics = new QueryMetrics(new MetricsRegistry('query'));
    coalescer = new AccountReadsCoalescer(reads, metrics);
  });

  it('given streams at different positions and waiters asking together, then one read serves them all', async () => {
    reads.append(10);

    const [low, middle, high, waiter, other] = await Promise.all([
      coalescer.changesAfter(ACCOUNT, 4),
      coalescer.changesAfter(ACCOUNT, 7),
      coalescer.changesAfter(ACCOUNT, 10),
      coalescer.account(ACCOUNT),
      coalescer.account(ACCOUNT),
    ]);

    expect(reads.calls).toEqual([{ afterVersion: 4, take: CHANGES_BATCH }]);
    expect(versions(low.changes)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(versions(middle.changes)).toEqual([8, 9, 10]);
    expect(high.changes).toEqual([]);
    expect([low.complete, middle.complete, high.complete]).toEqual([true, true, true]);
    expect(waiter?.version).toBe('10');
    expect(other).toBe(waiter);
    expect((await metrics.accountReads.get()).values[0]?.value).toBe(1);
  });

  it('given only waiters, then the read asks for the account and no history', async () => {
    reads.append(3);

    const account = await coalescer.account(ACCOUNT);

    expect(account?.version).toBe('3');
    expect(reads.calls).toEqual([{ afterVersion: 0, take: 0 }]);
  });

  it('given a read under way, then a request made meanwhile is served by a read that starts after it', async () => {
    reads.append(1);
    reads.hold = true;
    const first = coalescer.changesAfter(ACCOUNT, 0);
    await settle();
    expect(reads.calls).toHaveLength(1);

    reads.append(1);
    const second = coalescer.changesAfter(ACCOUNT, 0);
    const waiter = coalescer.account(ACCOUNT);
    await settle();
    // Not joined to the read under way, which may predate the change the request is about.
    expect(reads.calls).toHaveLength(1);
    reads.release();

    expect(versions((await first).changes)).toEqual([1]);
    expect(versions((await second).changes)).toEqual([1, 2]);
    expect((await waiter)?.version).toBe('2');
    expect(reads.calls).toHaveLength(2);
  });

  it('given a full batch from the lowest position, then every stream is told more may follow, whatever its share', async () => {
    reads.append(CHANGES_BATCH + 5);

    const [low, high] = await Promise.all([coalescer.changesAfter(ACCOUNT, 0), coalescer.changesAfter(ACCOUNT, CHANGES_BATCH - 1)]);

    expect(low.changes).toHaveLength(CHANGES_BATCH);
    expect(low.complete).toBe(false);
    expect(versions(high.changes)).toEqual([CHANGES_BATCH]);
    expect(high.complete).toBe(false);

    const rest = await coalescer.changesAfter(ACCOUNT, CHANGES_BATCH);
    expect(versions(rest.changes)).toEqual([201, 202, 203, 204, 205]);
    expect(rest.complete).toBe(true);
  });

  it('given accounts read at once, then each has its own read', async () => {
    const [a, b] = await Promise.all([coalescer.account(ACCOUNT), coalescer.account('another')]);

    expect([a, b]).toEqual([null, null]);
    expect(reads.calls).toHaveLength(2);
  });

  it('given a read that fails, then each of its requests fails with it, and the next read goes ahead', async () => {
    const failing: AccountChangesPort = { accountWithChanges: () => Promise.reject(new Error('connection lost')) };
    let port: AccountChangesPort = failing;
    coalescer = new AccountReadsCoalescer({ accountWithChanges: (...args) => port.accountWithChanges(...args) }, metrics);

    const outcomes = await Promise.allSettled([coalescer.changesAfter(ACCOUNT, 0), coalescer.account(ACCOUNT)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);

    reads.append(2);
    port = reads;
    expect(versions((await coalescer.changesAfter(ACCOUNT, 0)).changes)).toEqual([1, 2]);
  });
});
