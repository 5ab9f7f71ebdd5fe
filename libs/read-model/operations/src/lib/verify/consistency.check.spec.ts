import { encodeEvent, type AccountEvent } from '@ledger/domain';
import type { AccountView, TransactionRow } from '@ledger/read-model-schema';
import { AcknowledgementBook, type AcknowledgedCommand } from './acknowledged-command';
import { checkConsistency, type ConsistencySummary } from './consistency.check';
import type { Difference } from './consistency.difference';
import { ExpectedAccount } from './expected-account.fold';
import type { StoreEvent } from './store-event';

const A = '10000000-0000-4000-8000-000000000001';
const B = '20000000-0000-4000-8000-000000000002';
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));

function stored(accountId: string, version: number, event: AccountEvent, overrides: Partial<StoreEvent> = {}): StoreEvent {
  const encoded = encodeEvent(event);
  return {
    streamId: accountId,
    version,
    eventId: `e${String(version).padStart(7, '0')}-0000-4000-8000-${accountId.slice(-12)}`,
    type: encoded.type,
    schemaVersion: encoded.schemaVersion,
    data: encoded.data,
    metadata: { correlationId: `c-${version}` },
    occurredAt: at(version),
    ...overrides,
  };
}

/** Opened with 100, deposited 50, withdrew 30, frozen: balance 120 at version 4. */
function history(accountId: string): StoreEvent[] {
  return [
    stored(accountId, 1, {
      type: 'AccountOpened',
      data: { accountId, owner: 'Ada', ownerId: 'ada-sub', currency: 'EUR', initialDeposit: 100n, balanceAfter: 100n, openedAt: at(1) },
    }),
    stored(accountId, 2, { type: 'MoneyDeposited', data: { accountId, amount: 50n, balanceAfter: 150n, depositedAt: at(2) } }),
    stored(accountId, 3, { type: 'MoneyWithdrawn', data: { accountId, amount: 30n, balanceAfter: 120n, withdrawnAt: at(3) } }),
    stored(accountId, 4, { type: 'AccountFrozen', data: { accountId, reason: 'audit', frozenAt: at(4) } }),
  ];
}

/** What a correct read model holds for `history`, written out by hand from the API contract. */
function readModelOf(accountId: string): { account: AccountView; rows: TransactionRow[] } {
  const row = (
    version: number,
    type: TransactionRow['type'],
    amount: bigint | null,
    balanceAfter: bigint,
    statusAfter: TransactionRow['statusAfter'],
    reason: string | null = null,
  ): TransactionRow => ({
    accountId,
    version,
    eventId: `e${String(version).padStart(7, '0')}-0000-4000-8000-${accountId.slice(-12)}`,
    type,
    amount,
    balanceAfter,
    statusAfter,
    reason,
    occurredAt: at(version),
    correlationId: `c-${version}`,
    transferId: null,
    counterpartyAccountId: null,
    reservedAfter: 0n,
  });
  return {
    account: {
      accountId,
      owner: 'Ada',
      ownerId: 'ada-sub',
      currency: 'EUR',
      balance: 120n,
      reserved: 0n,
      status: 'FROZEN',
      version: 4,
      openedAt: at(1),
      updatedAt: at(4),
      totalDeposited: 150n,
      totalWithdrawn: 30n,
      transactionCount: 3,
      lastActivityAt: at(3),
    },
    rows: [
      row(1, 'AccountOpened', 100n, 100n, 'ACTIVE'),
      row(2, 'MoneyDeposited', 50n, 150n, 'ACTIVE'),
      row(3, 'MoneyWithdrawn', 30n, 120n, 'ACTIVE'),
      row(4, 'AccountFrozen', null, 120n, 'FROZEN', 'audit'),
    ],
  };
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function check(
  events: readonly StoreEvent[],
  accounts: readonly AccountView[],
  rows: readonly TransactionRow[],
  acks?: readonly AcknowledgedCommand[],
): Promise<{ differences: Difference[]; summary: ConsistencySummary }> {
  const differences: Difference[] = [];
  let acknowledgements: AcknowledgementBook | undefined;
  if (acks !== undefined) {
    acknowledgements = new AcknowledgementBook();
    for (const ack of acks) acknowledgements.add(ack);
  }
  const summary = await checkConsistency(
    { events: each(events), accounts: each(accounts), transactions: each(rows), ...(acknowledgements ? { acknowledgements } : {}) },
    (d) => differences.push(d),
  );
  return { differences, summary };
}

const both = () => {
  const a = readModelOf(A);
  const b = readModelOf(B);
  return { events: [...history(A), ...history(B)], accounts: [a.account, b.account], rows: [...a.rows, ...b.rows] };
};

describe('checkConsistency', () => {
  it('given a read model that matches the store, then no differences and every row counted', async () => {
    const { events, accounts, rows } = both();

    const { differences, summary } = await check(events, accounts, rows);

    expect(differences).toEqual([]);
    expect(summary).toMatchObject({ streams: 2, events: 8, accountRows: 2, transactionRows: 8, accountsChecked: 2, differences: 0 });
  });

  it.each([
    ['balance', { balance: 119n }, '120', '119'],
    ['status', { status: 'ACTIVE' }, 'FROZEN', 'ACTIVE'],
    ['version', { version: 3 }, '4', '3'],
    ['owner', { owner: 'Bob' }, 'Ada', 'Bob'],
    ['ownerId', { ownerId: 'bob-sub' }, 'ada-sub', 'bob-sub'],
    ['ownerId', { ownerId: null }, 'ada-sub', 'null'],
    ['currency', { currency: 'USD' }, 'EUR', 'USD'],
    ['totalDeposited', { totalDeposited: 50n }, '150', '50'],
    ['totalWithdrawn', { totalWithdrawn: 0n }, '30', '0'],
    ['transactionCount', { transactionCount: 4 }, '3', '4'],
    ['lastActivityAt', { lastActivityAt: at(4) }, at(3).toISOString(), at(4).toISOString()],
    ['updatedAt', { updatedAt: at(3) }, at(4).toISOString(), at(3).toISOString()],
    ['openedAt', { openedAt: at(0) }, at(1).toISOString(), at(0).toISOString()],
  ] as const)('given an account row whose %s differs, then that field with both values', async (field, change, expected, actual) => {
    const { events, accounts, rows } = both();
    const tampered = [{ ...(accounts[0] as AccountView), ...change } as AccountView, accounts[1] as AccountView];

    const { differences, summary } = await check(events, tampered, rows);

    expect(differences.filter((d) => d.kind !== 'conservation')).toEqual([
      { kind: 'account-field', accountId: A, field, expected, actual },
    ]);
    expect(summary.differencesByKind['account-field']).toBe(1);
    // Money fields break the read model's own sums too; the others cannot.
    expect(summary.differencesByKind.conservation).toBe(['balance', 'totalDeposited', 'totalWithdrawn'].includes(field) ? 1 : 0);
  });

  it("given a history row whose amount differs, then that row's field", async () => {
    const { events, accounts, rows } = both();
    const tampered = rows.map((r) => (r.accountId === B && r.version === 2 ? { ...r, amount: 49n } : r));

    const { differences } = await check(events, accounts, tampered);

    expect(differences).toEqual([
      { kind: 'transaction-field', accountId: B, field: 'transaction v2 amount', expected: '50', actual: '49' },
    ]);
  });

  it.each([
    ['eventId', { eventId: 'ffffffff-0000-4000-8000-000000000000' }],
    ['type', { type: 'MoneyWithdrawn' }],
    ['balanceAfter', { balanceAfter: 1n }],
    ['statusAfter', { statusAfter: 'CLOSED' }],
    ['reason', { reason: 'other' }],
    ['occurredAt', { occurredAt: at(59) }],
    ['correlationId', { correlationId: 'x' }],
  ] as const)('given a history row whose %s differs, then that field', async (field, change) => {
    const { events, accounts, rows } = both();
    const tampered = rows.map((r) => (r.accountId === A && r.version === 4 ? ({ ...r, ...change } as TransactionRow) : r));

    const { differences } = await check(events, accounts, tampered);

    expect(differences).toEqual([expect.objectContaining({ kind: 'transaction-field', accountId: A, field: `transaction v4 ${field}` })]);
  });

  it('given a missing history row, then it is named with what it should hold', async () => {
    const { events, accounts, rows } = both();

    const { differences, summary } = await check(
      events,
      accounts,
      rows.filter((r) => !(r.accountId === A && r.version === 3)),
    );

    expect(differences).toEqual([
      {
        kind: 'missing-transaction',
        accountId: A,
        field: 'transaction v3',
        expected: `MoneyWithdrawn 30 (event e0000003-0000-4000-8000-${A.slice(-12)})`,
        actual: 'absent',
      },
    ]);
    expect(summary.transactionRows).toBe(7);
  });

  it('given a history row beyond the stream, then an extra row', async () => {
    const { events, accounts, rows } = both();
    const extra: TransactionRow = { ...(rows[3] as TransactionRow), version: 5, eventId: 'e0000005-0000-4000-8000-000000000000' };

    const { differences } = await check(events, accounts, [...rows.slice(0, 4), extra, ...rows.slice(4)]);

    expect(differences).toEqual([
      expect.objectContaining({
        kind: 'extra-transaction',
        accountId: A,
        field: 'transaction v5',
        actual: expect.stringMatching(/^AccountFrozen/),
      }),
    ]);
  });

  it('given an account row with no stream, and a stream with no account row, then both, in account order', async () => {
    const a = readModelOf(A);
    const b = readModelOf(B);

    const { differences, summary } = await check(history(A), [a.account, b.account], [...a.rows]);
    const second = await check([...history(A), ...history(B)], [a.account], [...a.rows, ...b.rows]);

    expect(differences).toEqual([
      { kind: 'extra-account', accountId: B, field: 'account', expected: 'absent (no stream in the event store)', actual: 'version 4' },
    ]);
    expect(summary).toMatchObject({ streams: 1, accountRows: 2, accountsChecked: 2 });
    expect(second.differences).toEqual([
      { kind: 'missing-account', accountId: B, field: 'account', expected: 'version 4', actual: 'absent' },
    ]);
  });

  it('given a read model behind the store, then the missing rows and the version it stopped at', async () => {
    const { events, accounts, rows } = both();
    const behind = { ...(accounts[1] as AccountView), version: 3, status: 'ACTIVE' as const, updatedAt: at(3) };

    const { differences } = await check(events, [accounts[0] as AccountView, behind], rows.slice(0, 7));

    expect(differences.map((d) => [d.kind, d.field])).toEqual([
      ['missing-transaction', 'transaction v4'],
      ['account-field', 'status'],
      ['account-field', 'version'],
      ['account-field', 'updatedAt'],
    ]);
  });

  it('given inputs out of account order, then the check fails instead of reporting false differences', async () => {
    const { accounts, rows } = both();

    await expect(check([...history(B), ...history(A)], accounts, rows)).rejects.toThrow(/event store is not in stream id order/);
  });

  describe('acknowledged commands', () => {
    const ack = (version: number, kind: 'deposit' | 'withdraw' | 'freeze', amount: number | null, accountId = A): AcknowledgedCommand => ({
      outcome: 'acknowledged',
      kind,
      accountId,
      version,
      amount,
    });

    it('given acknowledgements matching the store and the read model, then none are reported, duplicates count once', async () => {
      const { events, accounts, rows } = both();
      const acks = [
        ack(2, 'deposit', 50),
        ack(2, 'deposit', 50),
        ack(3, 'withdraw', 30),
        ack(4, 'freeze', null, B),
        { outcome: 'unknown', kind: 'deposit', accountId: A, amount: 5 } as const,
      ];

      const { differences, summary } = await check(events, accounts, rows, acks);

      expect(differences).toEqual([]);
      expect(summary).toMatchObject({ acknowledgedCommands: 3, unknownOutcomes: 1 });
    });

    it('given an acknowledgement beyond the stream, or of an unknown account, then it is missing from the store', async () => {
      const { events, accounts, rows } = both();
      const stranger = '30000000-0000-4000-8000-000000000003';

      const { differences } = await check(events, accounts, rows, [ack(5, 'deposit', 10), ack(1, 'deposit', 7, stranger)]);

      expect(differences).toEqual([
        {
          kind: 'missing-ack',
          accountId: A,
          field: 'ack v5 deposit',
          expected: 'MoneyDeposited 10',
          actual: 'absent from the event store',
        },
        {
          kind: 'missing-ack',
          accountId: stranger,
          field: 'ack v1 deposit',
          expected: 'MoneyDeposited 7',
          actual: 'absent from the event store',
        },
      ]);
    });

    it('given an acknowledgement whose version holds another event, then a mismatch', async () => {
      const { events, accounts, rows } = both();

      const { differences } = await check(events, accounts, rows, [ack(3, 'deposit', 30)]);

      expect(differences).toEqual([
        expect.objectContaining({
          kind: 'ack-mismatch',
          field: 'ack v3 deposit',
          expected: 'MoneyDeposited 30',
          actual: expect.stringMatching(/^in the event store: MoneyWithdrawn 30/),
        }),
      ]);
    });

    it('given an acknowledged event the read model lacks, then it is missing from the read model too', async () => {
      const { events, accounts, rows } = both();

      const { differences } = await check(
        events,
        accounts,
        rows.filter((r) => !(r.accountId === A && r.version === 2)),
        [ack(2, 'deposit', 50)],
      );

      expect(differences.map((d) => d.kind)).toEqual(['missing-transaction', 'missing-ack']);
    });
  });
});

describe('ExpectedAccount', () => {
  it('given an event that cannot be read, then one store problem and the rest of the stream is not checked', async () => {
    const events = history(A);
    events[1] = { ...(events[1] as StoreEvent), data: { accountId: A, amount: 'lots' } };

    const { differences } = await check(events, [readModelOf(A).account], readModelOf(A).rows);

    expect(differences).toEqual([
      {
        kind: 'event-store',
        accountId: A,
        field: 'event v2',
        expected: 'an event this release can read',
        actual: expect.stringMatching(/^unreadable MoneyDeposited: /),
      },
    ]);
  });

  it('given a gap, a money event before the opening, or a second opening, then the store problem', () => {
    const [opened, deposited] = history(A) as [StoreEvent, StoreEvent];
    const gap = new ExpectedAccount(A);
    gap.apply(opened);
    expect(gap.apply({ ...deposited, version: 3 }).problems).toEqual([
      expect.objectContaining({ field: 'event v3', actual: 'version 3 (a gap in the stream)' }),
    ]);
    expect(gap.view).toBeNull();

    expect(new ExpectedAccount(A).apply({ ...deposited, version: 1 }).problems).toEqual([
      expect.objectContaining({ actual: 'MoneyDeposited before AccountOpened' }),
    ]);

    const twice = new ExpectedAccount(A);
    twice.apply(opened);
    expect(twice.apply({ ...opened, version: 2 }).problems).toEqual([
      expect.objectContaining({ actual: 'AccountOpened of an open account' }),
    ]);
  });

  it('given a balanceAfter that does not add up, then the store problem, and the row follows the stored balance', () => {
    const [opened] = history(A) as [StoreEvent];
    const fold = new ExpectedAccount(A);
    fold.apply(opened);

    const step = fold.apply(
      stored(A, 2, { type: 'MoneyDeposited', data: { accountId: A, amount: 50n, balanceAfter: 170n, depositedAt: at(2) } }),
    );

    expect(step.problems).toEqual([{ kind: 'event-store', accountId: A, field: 'event v2 balanceAfter', expected: '150', actual: '170' }]);
    expect(step.row?.balanceAfter).toBe(170n);
  });

  it('given an opening without a deposit and status changes only, then no money movement is counted', () => {
    const fold = new ExpectedAccount(B);
    fold.apply(
      stored(B, 1, {
        type: 'AccountOpened',
        data: { accountId: B, owner: 'Bo', ownerId: null, currency: 'EUR', initialDeposit: 0n, balanceAfter: 0n, openedAt: at(1) },
      }),
    );
    fold.apply(stored(B, 2, { type: 'AccountClosed', data: { accountId: B, closedAt: at(2) } }));

    expect(fold.view).toMatchObject({
      status: 'CLOSED',
      version: 2,
      transactionCount: 0,
      totalDeposited: 0n,
      lastActivityAt: null,
      updatedAt: at(2),
    });
  });
});
