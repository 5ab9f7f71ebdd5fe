import { isTransferLeg, streamCategoryOf, transferIdOf, transferStreamId } from '@ledger/domain';
import { inputFromStore, latestTransferStates, planBatch } from '@ledger/read-model-projection';
import type { AccountView, TransactionRow, TransferLegRow, TransferRow, TransferStateWithId } from '@ledger/read-model-schema';
import { transferScenario, type LedgerEvent } from '../testing/transfer-ledger.fixture';
import { checkConsistency, type ConsistencySummary } from './consistency.check';
import type { Difference, DifferenceKind } from './consistency.difference';
import { ExpectedAccount } from './expected-account.fold';
import type { StoreEvent } from './store-event';
import { ExpectedTransfer } from './expected-transfer.fold';

type Scenario = ReturnType<typeof transferScenario>;

interface ReadModel {
  accounts: AccountView[];
  rows: TransactionRow[];
  transfers: TransferRow[];
  states: TransferStateWithId[];
  legs: TransferLegRow[];
}

function inStreamOrder(events: readonly LedgerEvent[]): StoreEvent[] {
  return [...events].sort((x, y) => (x.streamId < y.streamId ? -1 : x.streamId > y.streamId ? 1 : x.version - y.version));
}

/** The read model a correct projection gives: the expected folds' rows, and a leg row per stored leg. */
function readModelOf(events: readonly StoreEvent[]): ReadModel {
  const model: ReadModel = { accounts: [], rows: [], transfers: [], states: [], legs: [] };
  const byStream = new Map<string, StoreEvent[]>();
  for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
  for (const [streamId, stream] of byStream) {
    if (streamCategoryOf(streamId) === 'transfer') {
      const transfer = new ExpectedTransfer(streamId, transferIdOf(streamId) ?? '');
      for (const event of stream) transfer.apply(event);
      if (transfer.row !== null) model.transfers.push(transfer.row);
      model.states.push(...transfer.states);
      continue;
    }
    const account = new ExpectedAccount(streamId);
    for (const event of stream) {
      const step = account.apply(event);
      if (step.row !== null) model.rows.push(step.row);
      if (step.event !== null && isTransferLeg(step.event)) {
        model.legs.push({
          transferId: step.event.data.transferId,
          leg: step.event.type,
          accountId: streamId,
          accountVersion: event.version,
        });
      }
    }
    if (account.view !== null) model.accounts.push(account.view);
  }
  model.legs.sort((x, y) => (x.transferId < y.transferId ? -1 : x.transferId > y.transferId ? 1 : x.leg < y.leg ? -1 : 1));
  return model;
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function verify(
  events: readonly StoreEvent[],
  model: ReadModel,
  now: Date,
  expiryGraceMs = 5_000,
): Promise<{ differences: Difference[]; summary: ConsistencySummary }> {
  const differences: Difference[] = [];
  const summary = await checkConsistency(
    {
      events: each(events),
      accounts: each(model.accounts),
      transactions: each(model.rows),
      transfers: { rows: each(model.transfers), states: each(model.states), legs: each(model.legs) },
      conservation: { now, expiryGraceMs },
    },
    (difference) => differences.push(difference),
  );
  return { differences, summary };
}

function only(differences: readonly Difference[], ...kinds: DifferenceKind[]): Difference[] {
  return differences.filter((difference) => kinds.includes(difference.kind));
}

/** The stored event `pick` finds, changed by `change` (its data as stored: amounts are strings). */
function tamper(
  events: readonly StoreEvent[],
  pick: (event: StoreEvent) => boolean,
  change: (data: Record<string, unknown>) => object,
): StoreEvent[] {
  let found = false;
  const changed = events.map((event) => {
    if (!pick(event)) return event;
    found = true;
    return { ...event, data: { ...event.data, ...change({ ...event.data }) } as StoreEvent['data'] };
  });
  if (!found) throw new Error('no such event to tamper with');
  return changed;
}

const legOf = (s: Scenario, type: string, accountId: string, transferId: string) => (event: StoreEvent) =>
  event.streamId === accountId && event.type === type && event.data['transferId'] === transferId;

describe('checkConsistency with transfers', () => {
  let s: Scenario;
  let events: StoreEvent[];
  let model: ReadModel;

  beforeEach(() => {
    s = transferScenario();
    events = inStreamOrder(s.ledger.events);
    model = readModelOf(events);
  });

  it('given the legs of every kind of transfer and a read model that holds them, then no differences, and the money per currency', async () => {
    const { differences, summary } = await verify(events, model, s.ledger.now);

    expect(differences).toEqual([]);
    expect(summary).toMatchObject({ streams: 4, transferStreams: 6, transferRows: 6, accountsChecked: 4, differences: 0 });
    expect(summary.currencies).toEqual([
      { currency: 'EUR', deposited: 1010n, withdrawn: 100n, balances: 910n },
      { currency: 'USD', deposited: 500n, withdrawn: 0n, balances: 500n },
    ]);
    expect(model.accounts.find((account) => account.accountId === s.a)).toMatchObject({
      balance: 560n,
      reserved: 40n,
      totalDeposited: 1010n,
    });
    expect(model.rows.find((row) => row.accountId === s.b && row.type === 'TransferCredited' && row.amount === 150n)).toMatchObject({
      transferId: s.posted,
      counterpartyAccountId: s.a,
      reservedAfter: 0n,
    });
  });

  it("given the read model the projection's own plan makes of the store, then no differences: the two folds agree", async () => {
    const plan = planBatch(
      s.ledger.events.map((event, i) => inputFromStore({ ...event, globalPosition: String(i + 1) })),
      { views: new Map(), parked: new Set() },
    );
    const byId = <T extends { transferId: string }>(rows: readonly T[]) => [...rows].sort((x, y) => (x.transferId < y.transferId ? -1 : 1));
    const byStream = <T extends { accountId: string; version: number }>(rows: readonly T[]) =>
      [...rows].sort((x, y) => (x.accountId < y.accountId ? -1 : x.accountId > y.accountId ? 1 : x.version - y.version));
    const states = plan.transferStates ?? [];
    const projected: ReadModel = {
      accounts: byStream(plan.views),
      rows: byStream(plan.transactions),
      transfers: byId(latestTransferStates(plan)),
      states: [...states].sort((x, y) => (x.transferId < y.transferId ? -1 : x.transferId > y.transferId ? 1 : x.version - y.version)),
      legs: [...(plan.transferLegs ?? [])].sort((x, y) =>
        x.transferId < y.transferId ? -1 : x.transferId > y.transferId ? 1 : x.leg < y.leg ? -1 : 1,
      ),
    };

    const { differences } = await verify(events, projected, s.ledger.now);

    expect(plan.deadLetters).toEqual([]);
    expect(differences).toEqual([]);
  });

  it('given a transfer whose credit leg is missing from the store, then the missing leg and the currency that lost money', async () => {
    const without = events.filter((event) => !legOf(s, 'TransferCredited', s.d, s.usd)(event));

    const { differences } = await verify(without, model, s.ledger.now);

    expect(only(differences, 'transfer', 'conservation')).toEqual([
      {
        kind: 'transfer',
        accountId: transferStreamId(s.usd),
        field: 'leg TransferCredited',
        expected: `TransferCredited 70 on ${s.d} (completed)`,
        actual: 'absent',
      },
      {
        kind: 'conservation',
        accountId: 'USD',
        field: 'sum of balances (event store)',
        expected: '500 (deposits 500 - withdrawals 0)',
        actual: '430',
      },
    ]);
  });

  it('given a credit one more than its transfer, then the leg, and the currency off by one', async () => {
    const tampered = tamper(events, legOf(s, 'TransferCredited', s.d, s.usd), () => ({ amount: '71', balanceAfter: '71' }));

    const { differences } = await verify(tampered, model, s.ledger.now);

    expect(only(differences, 'transfer', 'conservation', 'event-store')).toEqual([
      {
        kind: 'transfer',
        accountId: transferStreamId(s.usd),
        field: 'leg TransferCredited amount',
        expected: '70',
        actual: `71 (${s.d} v2)`,
      },
      {
        kind: 'conservation',
        accountId: 'USD',
        field: 'sum of balances (event store)',
        expected: '500 (deposits 500 - withdrawals 0)',
        actual: '501',
      },
    ]);
  });

  it('given a leg whose balanceAfter or reservedAfter does not follow, then the store problem at that event', async () => {
    const hold = legOf(s, 'HoldPlaced', s.a, s.pending);
    const tampered = tamper(events, hold, () => ({ reservedAfter: '41' }));
    const version = events.find(hold)?.version;

    const { differences } = await verify(tampered, model, s.ledger.now);

    expect(only(differences, 'event-store')).toEqual([
      { kind: 'event-store', accountId: s.a, field: `event v${version} reservedAfter`, expected: '40', actual: '41' },
    ]);
  });

  it('given a posting whose stream says another amount than its legs, then each leg that disagrees', async () => {
    const stream = transferStreamId(s.posted);
    const tampered = tamper(
      events,
      (e) => e.streamId === stream && e.type === 'PendingTransferPosted',
      () => ({ amount: '140', releasedAmount: '60' }),
    );

    const { differences } = await verify(tampered, model, s.ledger.now);

    expect(only(differences, 'transfer')).toEqual([
      expect.objectContaining({
        accountId: stream,
        field: 'leg HoldPosted amount',
        expected: '140',
        actual: expect.stringMatching(/^150 /),
      }),
      expect.objectContaining({
        accountId: stream,
        field: 'leg TransferCredited amount',
        expected: '140',
        actual: expect.stringMatching(/^150 /),
      }),
    ]);
    expect(only(differences, 'transfer-field')).toEqual([
      expect.objectContaining({ accountId: stream, field: 'state v2 postedAmount', expected: '140', actual: '150' }),
    ]);
  });

  it('given a voided hold whose release leg is missing, then the missing release and the reserved amount it left', async () => {
    const release = legOf(s, 'HoldReleased', s.a, s.voided);
    const releasedAt = events.find(release)?.version ?? 0;
    // The legs after it would be a gap; the account's stream ends before it instead.
    const cut = events.filter((e) => !(e.streamId === s.a && e.version >= releasedAt));

    const { differences } = await verify(cut, model, s.ledger.now);

    expect(only(differences, 'transfer')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: transferStreamId(s.voided), field: 'leg HoldReleased', actual: 'absent' }),
      ]),
    );
    expect(only(differences, 'conservation')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: s.a, field: 'reserved', expected: '40 (the sum of its pending holds)' }),
      ]),
    );
  });

  it('given a leg whose transfer has no stream, then the orphan leg and the reserved amount no hold explains', async () => {
    const stream = transferStreamId(s.pending);
    const { differences } = await verify(
      events.filter((e) => e.streamId !== stream),
      model,
      s.ledger.now,
    );

    expect(only(differences, 'transfer', 'conservation')).toEqual([
      expect.objectContaining({
        kind: 'transfer',
        accountId: stream,
        field: 'leg HoldPlaced',
        expected: `absent (the store has no stream ${stream})`,
      }),
      { kind: 'conservation', accountId: s.a, field: 'reserved', expected: '0 (the sum of its pending holds)', actual: '40' },
    ]);
    // The read model's leg row still matches the stored leg: only the transfer's own rows have nothing behind them.
    expect(only(differences, 'extra-transfer').map((d) => d.field)).toEqual(['transfer', 'state v1']);
  });

  it('given a hold pending beyond its deadline and the grace, then a stale hold; within the grace, none', async () => {
    const deadline = new Date(s.ledger.now.getTime() - 1_000 + 3_600_000);

    const late = await verify(events, model, new Date(deadline.getTime() + 5_001));
    const inGrace = await verify(events, model, new Date(deadline.getTime() + 5_000));

    expect(late.differences).toEqual([
      {
        kind: 'transfer',
        accountId: transferStreamId(s.pending),
        field: 'hold',
        expected: `released by ${new Date(deadline.getTime() + 5_000).toISOString()} (deadline ${deadline.toISOString()} + 5000 ms)`,
        actual: `pending 5001 ms after its deadline, at ${new Date(deadline.getTime() + 5_001).toISOString()}`,
      },
    ]);
    expect(inGrace.differences).toEqual([]);
  });

  it('given a read model whose transfer, state, leg or history row was changed, then each is named', async () => {
    const stream = transferStreamId(s.immediate);
    const tampered: ReadModel = {
      ...model,
      accounts: model.accounts.map((account) => (account.accountId === s.a ? { ...account, reserved: 39n } : account)),
      rows: model.rows.map((row) =>
        row.transferId === s.immediate && row.accountId === s.b ? { ...row, counterpartyAccountId: s.c } : row,
      ),
      transfers: model.transfers.map((row) => (row.transferId === s.immediate ? { ...row, amount: 301n } : row)),
      states: model.states.map((state) =>
        state.transferId === s.posted && state.version === 2 ? { ...state, status: 'voided' as const } : state,
      ),
      legs: model.legs.filter((leg) => !(leg.transferId === s.immediate && leg.leg === 'TransferDebited')),
    };

    const { differences } = await verify(events, tampered, s.ledger.now);

    expect(differences).toEqual(
      expect.arrayContaining([
        { kind: 'account-field', accountId: s.a, field: 'reserved', expected: '40', actual: '39' },
        expect.objectContaining({
          kind: 'transaction-field',
          accountId: s.b,
          field: expect.stringMatching(/ counterpartyAccountId$/),
          actual: s.c,
        }),
        { kind: 'transfer-field', accountId: stream, field: 'transfer amount', expected: '300', actual: '301' },
        { kind: 'transfer-field', accountId: transferStreamId(s.posted), field: 'state v2 status', expected: 'posted', actual: 'voided' },
        expect.objectContaining({ kind: 'missing-transfer', accountId: stream, field: 'leg TransferDebited', actual: 'absent' }),
      ]),
    );
    expect(differences).toHaveLength(5);
  });

  it('given an account row whose balance is one more, then the field and the read model no longer conserving money', async () => {
    const tampered = {
      ...model,
      accounts: model.accounts.map((account) => (account.accountId === s.b ? { ...account, balance: 351n } : account)),
    };

    const { differences } = await verify(events, tampered, s.ledger.now);

    expect(differences).toEqual([
      { kind: 'account-field', accountId: s.b, field: 'balance', expected: '350', actual: '351' },
      {
        kind: 'conservation',
        accountId: 'EUR',
        field: 'sum of balances (read model)',
        expected: '910 (total deposited 1010 - total withdrawn 100)',
        actual: '911',
      },
    ]);
  });

  it('given only part of the store (conservation off), then transfers are neither folded into sums nor compared', async () => {
    const differences: Difference[] = [];
    const summary = await checkConsistency(
      {
        events: each(events.filter((e) => e.streamId === s.a)),
        accounts: each(model.accounts.filter((a) => a.accountId === s.a)),
        transactions: each(model.rows.filter((r) => r.accountId === s.a)),
        conservation: null,
      },
      (difference) => differences.push(difference),
    );

    expect(differences).toEqual([]);
    expect(summary).toMatchObject({ accountsChecked: 1, currencies: null, transferStreams: 0 });
  });
});
