import type { AccountEvent, TransferEvent } from '@ledger/domain';
import type { AccountView, RawMessage, TransferView } from '@ledger/read-model-schema';
import { latestTransferStates, planBatch, transfersChanged, transfersOf } from './batch-plan';
import type { ProjectionInput } from './projection-input';

const FROM = 'aaaaaaaa-0000-4000-8000-000000000001';
const TO = 'bbbbbbbb-0000-4000-8000-000000000002';
const T = 'cccccccc-0000-4000-8000-000000000003';
const U = 'dddddddd-0000-4000-8000-000000000004';
const T0 = new Date('2026-03-01T10:00:00.000Z');

let offset = 0;
function raw(): RawMessage {
  return { topic: 'account-events', partition: 0, offset: String(offset++), key: null, value: null, headers: {} };
}

function accountEvent(accountId: string, version: number, event: AccountEvent): ProjectionInput {
  const source = raw();
  return {
    kind: 'event',
    accountId,
    transferId: null,
    event: { eventId: `${accountId}-${version}`, accountId, version, occurredAt: T0, correlationId: 'c', event },
    raw: () => source,
  };
}

function transferEvent(transferId: string, version: number, event: TransferEvent): ProjectionInput {
  const source = raw();
  return {
    kind: 'transfer-event',
    accountId: null,
    transferId,
    event: { eventId: `${transferId}-${version}`, transferId, version, occurredAt: T0, correlationId: 'c', event },
    raw: () => source,
  };
}

function transferPoison(transferId: string, version: number | null): ProjectionInput {
  const source = raw();
  return { kind: 'poison', accountId: null, transferId, eventId: null, version, error: 'unknown event type', raw: () => source };
}

const legOf = (accountId: string, counterpartyAccountId: string, transferId = T) => ({ accountId, transferId, counterpartyAccountId });
const debit = (amount: bigint, balanceAfter: bigint, transferId = T): AccountEvent => ({
  type: 'TransferDebited',
  data: { ...legOf(FROM, TO, transferId), amount, balanceAfter, reservedAfter: 0n, debitedAt: T0 },
});
const credit = (amount: bigint, balanceAfter: bigint, transferId = T): AccountEvent => ({
  type: 'TransferCredited',
  data: { ...legOf(TO, FROM, transferId), amount, balanceAfter, reservedAfter: 0n, creditedAt: T0 },
});
const terms = (transferId: string) => ({ transferId, fromAccountId: FROM, toAccountId: TO, amount: 40n, currency: 'EUR', reference: null });
const completed = (transferId = T): TransferEvent => ({ type: 'TransferCompleted', data: { ...terms(transferId), completedAt: T0 } });
const placed = (transferId = T): TransferEvent => ({
  type: 'PendingTransferPlaced',
  data: { ...terms(transferId), timeoutSeconds: 60, expiresAt: new Date(T0.getTime() + 60_000), placedAt: T0 },
});
const posted = (transferId = T): TransferEvent => ({
  type: 'PendingTransferPosted',
  data: { transferId, amount: 30n, releasedAmount: 10n, postedAt: T0 },
});

function accountAt(accountId: string, version: number, balance: bigint): AccountView {
  return {
    accountId,
    owner: 'Ada',
    ownerId: null,
    currency: 'EUR',
    balance,
    reserved: 0n,
    status: 'ACTIVE',
    version,
    openedAt: T0,
    updatedAt: T0,
    totalDeposited: balance,
    totalWithdrawn: 0n,
    transactionCount: 1,
    lastActivityAt: T0,
  };
}

function transferAt(transferId: string, version: number): TransferView {
  return { ...terms(transferId), createdAt: T0, expiresAt: null, version, status: 'pending', postedAmount: 0n, updatedAt: T0 };
}

const accounts = () =>
  new Map([
    [FROM, accountAt(FROM, 1, 100n)],
    [TO, accountAt(TO, 1, 0n)],
  ]);

describe('planBatch with transfers', () => {
  it("given an immediate transfer's three streams, then both accounts move, both legs are recorded and the transfer has one state", () => {
    const plan = planBatch(
      [accountEvent(FROM, 2, debit(40n, 60n)), accountEvent(TO, 2, credit(40n, 40n)), transferEvent(T, 1, completed())],
      {
        views: accounts(),
        parked: new Set(),
      },
    );

    expect(plan.views.map((v) => [v.accountId, v.version, v.balance])).toEqual([
      [FROM, 2, 60n],
      [TO, 2, 40n],
    ]);
    expect(plan.transferLegs).toEqual([
      { transferId: T, leg: 'TransferDebited', accountId: FROM, accountVersion: 2 },
      { transferId: T, leg: 'TransferCredited', accountId: TO, accountVersion: 2 },
    ]);
    expect(plan.transferStates).toEqual([expect.objectContaining({ transferId: T, version: 1, status: 'completed', postedAmount: 40n })]);
    expect(plan.appliedEventIds).toHaveLength(3);
    expect(transfersChanged(plan)).toEqual([T]);
  });

  it('given a transfer stream placed then posted in one batch, then it keeps a state per version and its latest is the terms row', () => {
    const plan = planBatch([transferEvent(T, 1, placed()), transferEvent(T, 2, posted())], { views: new Map(), parked: new Set() });

    expect(plan.transferStates?.map((s) => [s.version, s.status, s.postedAmount])).toEqual([
      [1, 'pending', 0n],
      [2, 'posted', 30n],
    ]);
    expect(latestTransferStates(plan).map((s) => [s.transferId, s.version])).toEqual([[T, 2]]);
  });

  it('given a transfer event at or below the stored version, then it is a duplicate', () => {
    const plan = planBatch([transferEvent(T, 1, placed()), transferEvent(T, 2, posted())], {
      views: new Map(),
      parked: new Set(),
      transfers: new Map([[T, transferAt(T, 2)]]),
    });
    expect(plan).toMatchObject({ duplicates: 2, transferStates: [], deadLetters: [] });
  });

  it('given a gap in a transfer stream, then that transfer alone is parked, its later events held, and other streams flow', () => {
    const plan = planBatch(
      [
        transferEvent(T, 2, posted()),
        transferEvent(U, 1, completed(U)),
        transferEvent(T, 3, posted()),
        accountEvent(FROM, 2, debit(40n, 60n)),
      ],
      { views: accounts(), parked: new Set() },
    );

    expect(plan.deadLetters).toEqual([
      expect.objectContaining({ accountId: null, transferId: T, version: 2, error: 'version gap: expected version 1, got 2' }),
    ]);
    expect(plan.transferParks).toEqual([{ transferId: T, deadLetterIndex: 0, reason: 'version gap: expected version 1, got 2' }]);
    expect(plan.transferHeld?.map((h) => h.transferId)).toEqual([T]);
    expect(plan.parks).toEqual([]);
    expect(plan.transferStates?.map((s) => s.transferId)).toEqual([U]);
    expect(plan.views.map((v) => v.accountId)).toEqual([FROM]);
  });

  it('given poison in a transfer stream, then the transfer is parked behind it and no account is', () => {
    const plan = planBatch([transferPoison(T, 1), transferEvent(T, 2, posted()), accountEvent(FROM, 2, debit(40n, 60n))], {
      views: accounts(),
      parked: new Set(),
    });

    expect(plan.transferParks?.map((p) => p.transferId)).toEqual([T]);
    expect(plan.transferHeld).toHaveLength(1);
    expect(plan.parks).toEqual([]);
    expect(plan.views.map((v) => v.accountId)).toEqual([FROM]);
  });

  it("given a parked destination, then its credit is held and the source's debit and the transfer stream still apply", () => {
    const plan = planBatch(
      [accountEvent(FROM, 2, debit(40n, 60n)), accountEvent(TO, 2, credit(40n, 40n)), transferEvent(T, 1, completed())],
      {
        views: accounts(),
        parked: new Set([TO]),
      },
    );

    expect(plan.held.map((h) => h.accountId)).toEqual([TO]);
    expect(plan.views.map((v) => [v.accountId, v.balance])).toEqual([[FROM, 60n]]);
    expect(plan.transferLegs?.map((l) => l.leg)).toEqual(['TransferDebited']);
    expect(plan.transferStates?.map((s) => s.status)).toEqual(['completed']);
  });

  it('given a parked transfer, then its events are held and its gap closes when the missing version arrives', () => {
    const plan = planBatch([transferEvent(T, 3, posted()), transferEvent(T, 1, placed())], {
      views: new Map(),
      parked: new Set(),
      parkedTransfers: new Set([T]),
      transfersParkedBehind: new Map([[T, 2]]),
    });

    expect(plan.transferHeld).toHaveLength(2);
    expect(plan.transferGapsClosed).toEqual([T]);
    expect(plan.transferStates).toEqual([]);
  });

  it('given a transfer stream that resolves a hold it never placed, then it is parked with the reason', () => {
    const plan = planBatch([transferEvent(T, 1, posted())], { views: new Map(), parked: new Set() });
    expect(plan.deadLetters).toEqual([
      expect.objectContaining({ transferId: T, error: 'PendingTransferPosted before the transfer was created' }),
    ]);
  });
});

describe('transfersOf', () => {
  it('lists each transfer once, sorted, for a fixed lock order, and no account', () => {
    expect(
      transfersOf([
        transferEvent(U, 1, completed(U)),
        accountEvent(FROM, 2, debit(40n, 60n)),
        transferPoison(T, 1),
        transferEvent(U, 2, posted(U)),
      ]),
    ).toEqual([T, U]);
  });
});
