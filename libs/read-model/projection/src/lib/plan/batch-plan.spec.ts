import type { AccountEvent } from '@ledger/domain';
import type { AccountView, RawMessage } from '@ledger/read-model-schema';
import { accountsOf, planBatch } from './batch-plan';
import type { ProjectionInput } from './projection-input';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const T0 = new Date('2026-03-01T10:00:00.000Z');

function raw(offset: number): RawMessage {
  return { topic: 'account-events', partition: 0, offset: String(offset), key: null, value: null, headers: {} };
}

function opened(accountId: string): AccountEvent {
  return {
    type: 'AccountOpened',
    data: { accountId, owner: 'Ada', ownerId: null, currency: 'EUR', initialDeposit: 100n, balanceAfter: 100n, openedAt: T0 },
  };
}

function deposit(accountId: string, version: number): AccountEvent {
  return { type: 'MoneyDeposited', data: { accountId, amount: 10n, balanceAfter: 100n + 10n * BigInt(version - 1), depositedAt: T0 } };
}

let offset = 0;
function event(accountId: string, version: number, domainEvent?: AccountEvent): ProjectionInput {
  const source = raw(offset++);
  return {
    kind: 'event',
    accountId,
    transferId: null,
    event: {
      eventId: `${accountId}-${version}`,
      accountId,
      version,
      occurredAt: T0,
      correlationId: 'c',
      event: domainEvent ?? (version === 1 ? opened(accountId) : deposit(accountId, version)),
    },
    raw: () => source,
  };
}

function poison(accountId: string | null, version: number | null = null): ProjectionInput {
  const source = raw(offset++);
  return { kind: 'poison', accountId, transferId: null, eventId: null, version, error: 'unknown event type', raw: () => source };
}

function viewAt(accountId: string, version: number): AccountView {
  return {
    accountId,
    owner: 'Ada',
    ownerId: null,
    currency: 'EUR',
    balance: 100n + 10n * BigInt(version - 1),
    reserved: 0n,
    status: 'ACTIVE',
    version,
    openedAt: T0,
    updatedAt: T0,
    totalDeposited: 100n + 10n * BigInt(version - 1),
    totalWithdrawn: 0n,
    transactionCount: version,
    lastActivityAt: T0,
  };
}

const empty = { views: new Map<string, AccountView>(), parked: new Set<string>() };

describe('planBatch', () => {
  it('given events in order for two accounts, then each account ends at its last version with one row per event', () => {
    const plan = planBatch([event(A, 1), event(B, 1), event(A, 2), event(A, 3)], empty);
    expect(plan.views.map((v) => [v.accountId, v.version, v.balance])).toEqual([
      [A, 3, 120n],
      [B, 1, 100n],
    ]);
    expect(plan.transactions.map((t) => `${t.accountId === A ? 'A' : 'B'}${t.version}`)).toEqual(['A1', 'B1', 'A2', 'A3']);
    expect(plan.appliedEventIds).toHaveLength(4);
    expect(plan).toMatchObject({ duplicates: 0, deadLetters: [], parks: [], held: [] });
  });

  it('given events at or below the stored version, then they are duplicates and nothing is written for them', () => {
    const plan = planBatch([event(A, 2), event(A, 3), event(A, 3), event(A, 4)], {
      views: new Map([[A, viewAt(A, 3)]]),
      parked: new Set(),
    });
    expect(plan.duplicates).toBe(3);
    expect(plan.views.map((v) => v.version)).toEqual([4]);
    expect(plan.transactions.map((t) => t.version)).toEqual([4]);
  });

  it('given a gap, then the account is parked behind a dead letter and its later events are held in order', () => {
    const later = [event(A, 5), event(A, 3)];
    const plan = planBatch([event(A, 4), event(B, 1), ...later], { views: new Map([[A, viewAt(A, 2)]]), parked: new Set() });
    expect(plan.deadLetters).toEqual([
      expect.objectContaining({ accountId: A, version: 4, error: 'version gap: expected version 3, got 4', attempts: 1 }),
    ]);
    expect(plan.parks).toEqual([{ accountId: A, deadLetterIndex: 0, reason: 'version gap: expected version 3, got 4' }]);
    expect(plan.held.map((h) => h.raw.offset)).toEqual(later.map((l) => l.raw().offset));
    expect(plan.views.map((v) => v.accountId)).toEqual([B]);
  });

  it('given an account already parked, then everything for it is held, poison included, and nothing applies', () => {
    const plan = planBatch([event(A, 3), poison(A), event(B, 1)], { views: new Map([[A, viewAt(A, 2)]]), parked: new Set([A]) });
    expect(plan.held).toHaveLength(2);
    expect(plan.deadLetters).toEqual([]);
    expect(plan.views.map((v) => v.accountId)).toEqual([B]);
  });

  it('given newer events ahead of the history they follow (a recreated topic), then the account parks at the gap and is listed to re-drive once the missing version is held', () => {
    const plan = planBatch([event(A, 5), event(A, 6), event(B, 1), event(A, 1), event(A, 2)], empty);
    expect(plan.parks).toEqual([{ accountId: A, deadLetterIndex: 0, reason: 'version gap: expected version 1, got 5' }]);
    expect(plan.held).toHaveLength(3);
    expect(plan.gapsClosed).toEqual([A]);
    expect(plan.views.map((v) => v.accountId)).toEqual([B]);
  });

  it('given an account parked behind a gap, then only its next version closes the gap; an account parked behind poison at its next version is never listed', () => {
    const behindGap = { views: new Map([[A, viewAt(A, 2)]]), parked: new Set([A]), parkedBehind: new Map([[A, 5]]) };
    expect(planBatch([event(A, 4), event(A, 5)], behindGap).gapsClosed).toEqual([]);
    expect(planBatch([event(A, 4), event(A, 3)], behindGap).gapsClosed).toEqual([A]);
    const behindPoison = { views: new Map([[A, viewAt(A, 2)]]), parked: new Set([A]), parkedBehind: new Map([[A, 3]]) };
    expect(planBatch([event(A, 3), event(A, 4)], behindPoison).gapsClosed).toEqual([]);
    expect(planBatch([event(A, 3)], { views: new Map([[A, viewAt(A, 2)]]), parked: new Set([A]) }).gapsClosed).toEqual([]);
  });

  it('given poison naming an account, then that account alone is parked', () => {
    const plan = planBatch([event(A, 1), poison(B), event(B, 1), event(A, 2)], empty, 3);
    expect(plan.deadLetters).toEqual([expect.objectContaining({ accountId: B, error: 'unknown event type', attempts: 3 })]);
    expect(plan.parks.map((p) => p.accountId)).toEqual([B]);
    expect(plan.held.map((h) => h.accountId)).toEqual([B]);
    expect(plan.views.map((v) => [v.accountId, v.version])).toEqual([[A, 2]]);
  });

  it('given poison naming no account, then it is dead-lettered and parks nothing', () => {
    const plan = planBatch([poison(null), event(A, 1)], empty);
    expect(plan.deadLetters).toEqual([expect.objectContaining({ accountId: null })]);
    expect(plan.parks).toEqual([]);
    expect(plan.views.map((v) => v.accountId)).toEqual([A]);
  });

  it('given poison at a version the account already passed, then it is a duplicate, not a dead letter', () => {
    const plan = planBatch([poison(A, 2)], { views: new Map([[A, viewAt(A, 3)]]), parked: new Set() });
    expect(plan).toMatchObject({ duplicates: 1, deadLetters: [], parks: [] });
  });

  it('given a first event that is not an opening, then the account is parked with the reason', () => {
    const plan = planBatch([event(B, 1, deposit(B, 1))], empty);
    expect(plan.views).toEqual([]);
    expect(plan.deadLetters).toEqual([expect.objectContaining({ accountId: B, error: 'MoneyDeposited before AccountOpened' })]);
    expect(plan.parks.map((p) => p.accountId)).toEqual([B]);
  });
});

describe('accountsOf', () => {
  it('lists each account once, sorted, for a fixed lock order', () => {
    expect(accountsOf([event(B, 1), poison(null), event(A, 1), event(B, 2)])).toEqual([A, B]);
  });
});
