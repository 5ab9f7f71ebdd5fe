import { MetricsRegistry } from '@ledger/platform';
import type { Counter } from 'prom-client';
import { QueryMetrics } from '../query.metrics';
import { ACCOUNTS_PER_READ, AccountReadsCoalescer, CHANGES_BATCH, type AccountChangesPort } from './account-reads.coalescer';
import type { AccountRecord, HistoryRecord } from './account.record';
import type { AccountChanges, ChangesWanted } from './account.reader';

const ACCOUNT = '3f1c1d9e-6a55-4d6e-9a53-2f9b3c1e0a01';
const OTHER = '7b2e4f10-8c3d-4a9e-b1f2-5d6c7e8f9a02';
const THIRD = 'c94a1e22-0b7d-4f3a-8e61-2a5b9c0d1e03';

const row = (version: number, accountId = ACCOUNT): HistoryRecord => ({
  accountId,
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

/** Account histories in memory, read as the read model would be; every statement is recorded. */
class FakeReads implements AccountChangesPort {
  readonly calls: ChangesWanted[][] = [];
  private readonly histories = new Map<string, number>();
  private pending: (() => void)[] = [];
  /** While set, reads wait for `release()`, so a test can act during one. */
  hold = false;
  /** A statement reading any of these accounts fails (once released, if held). */
  readonly failing = new Set<string>();

  append(count: number, accountId = ACCOUNT): void {
    this.histories.set(accountId, this.version(accountId) + count);
  }

  version(accountId = ACCOUNT): number {
    return this.histories.get(accountId) ?? 0;
  }

  async accountsWithChanges(wanted: readonly ChangesWanted[]): Promise<AccountChanges[]> {
    this.calls.push([...wanted]);
    // The snapshot is taken when the statement starts, as a statement's is.
    const snapshot = wanted.map(({ accountId }) => this.version(accountId));
    if (this.hold) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (wanted.some(({ accountId }) => this.failing.has(accountId))) throw new Error('connection lost');
    return wanted.map(({ accountId, afterVersion, take }, index) => {
      const version = snapshot[index] ?? 0;
      const changes: HistoryRecord[] = [];
      for (let v = afterVersion + 1; v <= version && changes.length < take; v++) changes.push(row(v, accountId));
      const account = version === 0 ? null : ({ accountId, version: String(version) } as AccountRecord);
      return { account, changes };
    });
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.pending.splice(0)) resolve();
  }

  /** The accounts of each statement, in order. */
  accountsPerCall(): string[][] {
    return this.calls.map((wanted) => wanted.map(({ accountId }) => accountId));
  }
}

const versions = (rows: readonly HistoryRecord[]) => rows.map((r) => Number(r.version));

/** Lets every read that can start and settle without the clock moving do so. */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

const count = async (counter: Counter) => (await counter.get()).values[0]?.value ?? 0;

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

    expect(reads.calls).toEqual([[{ accountId: ACCOUNT, afterVersion: 4, take: CHANGES_BATCH }]]);
    expect(versions(low.changes)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(versions(middle.changes)).toEqual([8, 9, 10]);
    expect(high.changes).toEqual([]);
    expect([low.complete, middle.complete, high.complete]).toEqual([true, true, true]);
    expect(waiter?.version).toBe('10');
    expect(other).toBe(waiter);
    expect(await count(metrics.accountReads)).toBe(1);
  });

  it('given only waiters, then the read asks for the account and no history', async () => {
    reads.append(3);

    const account = await coalescer.account(ACCOUNT);

    expect(account?.version).toBe('3');
    expect(reads.calls).toEqual([[{ accountId: ACCOUNT, afterVersion: 0, take: 0 }]]);
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

  it('given different accounts asked in one turn, then one statement reads them all, each from its own lowest position', async () => {
    reads.append(5, ACCOUNT);
    reads.append(3, OTHER);

    const [stream, otherLow, otherHigh, otherWaiter, missing] = await Promise.all([
      coalescer.changesAfter(ACCOUNT, 2),
      coalescer.changesAfter(OTHER, 0),
      coalescer.changesAfter(OTHER, 2),
      coalescer.account(OTHER),
      coalescer.account(THIRD),
    ]);

    expect(reads.calls).toEqual([
      [
        { accountId: ACCOUNT, afterVersion: 2, take: CHANGES_BATCH },
        { accountId: OTHER, afterVersion: 0, take: CHANGES_BATCH },
        { accountId: THIRD, afterVersion: 0, take: 0 },
      ],
    ]);
    expect(stream.changes.map((r) => [r.accountId, Number(r.version)])).toEqual([
      [ACCOUNT, 3],
      [ACCOUNT, 4],
      [ACCOUNT, 5],
    ]);
    expect(otherLow.changes.map((r) => [r.accountId, Number(r.version)])).toEqual([
      [OTHER, 1],
      [OTHER, 2],
      [OTHER, 3],
    ]);
    expect(versions(otherHigh.changes)).toEqual([3]);
    expect(otherWaiter?.version).toBe('3');
    expect(missing).toBeNull();
    expect([await count(metrics.accountReads), await count(metrics.accountReadStatements)]).toEqual([3, 1]);
  });

  it('given a read under way for an account, then new requests for it and another go to later statements: the other at once, it once its read ends', async () => {
    reads.append(1, ACCOUNT);
    reads.hold = true;
    const first = coalescer.changesAfter(ACCOUNT, 0);
    await settle();

    reads.append(1, ACCOUNT);
    reads.append(1, OTHER);
    const second = coalescer.changesAfter(ACCOUNT, 0);
    const other = coalescer.changesAfter(OTHER, 0);
    await settle();
    expect(reads.accountsPerCall()).toEqual([[ACCOUNT], [OTHER]]);
    reads.release();

    expect(versions((await first).changes)).toEqual([1]);
    expect(versions((await other).changes)).toEqual([1]);
    expect(versions((await second).changes)).toEqual([1, 2]);
    expect(reads.accountsPerCall()).toEqual([[ACCOUNT], [OTHER], [ACCOUNT]]);
  });

  it('given more accounts in one turn than one statement reads, then they are read ACCOUNTS_PER_READ at a time, each answered', async () => {
    const accounts = Array.from({ length: 2 * ACCOUNTS_PER_READ + 1 }, (_, i) => `account-${i}`);
    accounts.forEach((accountId, i) => reads.append(i + 1, accountId));

    const answers = await Promise.all(accounts.map((accountId) => coalescer.account(accountId)));

    expect(reads.accountsPerCall()).toEqual([
      accounts.slice(0, ACCOUNTS_PER_READ),
      accounts.slice(ACCOUNTS_PER_READ, 2 * ACCOUNTS_PER_READ),
      accounts.slice(2 * ACCOUNTS_PER_READ),
    ]);
    expect(answers.map((account) => account?.version)).toEqual(accounts.map((_, i) => String(i + 1)));
    expect([await count(metrics.accountReads), await count(metrics.accountReadStatements)]).toEqual([accounts.length, 3]);
  });

  it('given a statement that fails, then every request of its accounts fails with it, and the next read goes ahead', async () => {
    reads.append(2, ACCOUNT);
    reads.append(1, OTHER);
    reads.failing.add(OTHER);

    const outcomes = await Promise.allSettled([coalescer.changesAfter(ACCOUNT, 0), coalescer.account(ACCOUNT), coalescer.account(OTHER)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await count(metrics.accountReads)).toBe(0);

    reads.failing.clear();
    const [changes, other] = await Promise.all([coalescer.changesAfter(ACCOUNT, 0), coalescer.account(OTHER)]);
    expect(versions(changes.changes)).toEqual([1, 2]);
    expect(other?.version).toBe('1');
  });

  it('given a statement that fails, then the requests another statement reads for are answered', async () => {
    reads.append(1, ACCOUNT);
    reads.append(1, OTHER);
    reads.hold = true;
    const first = coalescer.changesAfter(ACCOUNT, 0);
    await settle();
    reads.failing.add(OTHER);
    const second = coalescer.changesAfter(ACCOUNT, 0);
    const other = coalescer.account(OTHER);
    await settle();
    reads.release();

    await expect(other).rejects.toThrow('connection lost');
    expect(versions((await first).changes)).toEqual([1]);
    expect(versions((await second).changes)).toEqual([1]);
    expect(reads.accountsPerCall()).toEqual([[ACCOUNT], [OTHER], [ACCOUNT]]);
  });
});
