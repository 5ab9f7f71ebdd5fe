import type { AccountEvent } from '@ledger/domain';
import type { AccountView } from '@ledger/read-model-schema';
import { projectEvent, type ProjectableEvent } from './account-view';

const ACCOUNT_ID = '0b5f7c4e-3d2a-4f1b-9a8e-2c6d1e0f9a7b';
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);

function projectable(version: number, event: AccountEvent, occurredAt = at(version)): ProjectableEvent {
  return { eventId: `e${version}`, accountId: ACCOUNT_ID, version, occurredAt, correlationId: `c${version}`, event };
}

const opened = (initialDeposit: bigint): AccountEvent => ({
  type: 'AccountOpened',
  data: {
    accountId: ACCOUNT_ID,
    owner: 'Ada',
    ownerId: 'ada-sub',
    currency: 'EUR',
    initialDeposit,
    balanceAfter: initialDeposit,
    openedAt: T0,
  },
});
const deposited = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountId: ACCOUNT_ID, amount, balanceAfter, depositedAt: T0 },
});
const withdrawn = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'MoneyWithdrawn',
  data: { accountId: ACCOUNT_ID, amount, balanceAfter, withdrawnAt: T0 },
});

function fold(events: readonly AccountEvent[]): AccountView {
  let view: AccountView | null = null;
  for (const [index, event] of events.entries()) {
    const step = projectEvent(view, projectable(index + 1, event));
    if (!step.ok) throw new Error(step.reason);
    view = step.view;
  }
  if (view === null) throw new Error('no events to fold');
  return view;
}

describe('projectEvent', () => {
  it('given nothing, when the account is opened with a deposit, then the view starts with it as one movement', () => {
    const step = projectEvent(null, projectable(1, opened(500n)));
    expect(step).toEqual({
      ok: true,
      view: {
        accountId: ACCOUNT_ID,
        owner: 'Ada',
        ownerId: 'ada-sub',
        currency: 'EUR',
        balance: 500n,
        status: 'ACTIVE',
        version: 1,
        openedAt: T0,
        updatedAt: at(1),
        totalDeposited: 500n,
        totalWithdrawn: 0n,
        transactionCount: 1,
        lastActivityAt: at(1),
      },
      row: {
        accountId: ACCOUNT_ID,
        version: 1,
        eventId: 'e1',
        type: 'AccountOpened',
        amount: 500n,
        balanceAfter: 500n,
        statusAfter: 'ACTIVE',
        reason: null,
        occurredAt: at(1),
        correlationId: 'c1',
      },
    });
  });

  it('given an account opened empty, then no movement is counted', () => {
    expect(fold([opened(0n)])).toMatchObject({ balance: 0n, totalDeposited: 0n, transactionCount: 0, lastActivityAt: null });
  });

  it('given deposits and withdrawals, then balance comes from the events and totals add up exactly beyond 2^53', () => {
    const big = BigInt(Number.MAX_SAFE_INTEGER);
    const view = fold([opened(big), withdrawn(big, 0n), deposited(big, big), withdrawn(1n, big - 1n)]);
    expect(view).toMatchObject({
      balance: big - 1n,
      totalDeposited: big * 2n,
      totalWithdrawn: big + 1n,
      transactionCount: 4,
      version: 4,
    });
  });

  it('given status changes, then status follows and the history row carries the reason but no amount', () => {
    let view = fold([opened(10n)]);
    const frozen = projectEvent(
      view,
      projectable(2, { type: 'AccountFrozen', data: { accountId: ACCOUNT_ID, reason: 'fraud check', frozenAt: T0 } }),
    );
    expect(frozen).toMatchObject({
      ok: true,
      view: { status: 'FROZEN', transactionCount: 1 },
      row: { amount: null, reason: 'fraud check', balanceAfter: 10n, statusAfter: 'FROZEN' },
    });
    view = (frozen as { view: AccountView }).view;
    const unfrozen = projectEvent(view, projectable(3, { type: 'AccountUnfrozen', data: { accountId: ACCOUNT_ID, unfrozenAt: T0 } }));
    expect(unfrozen).toMatchObject({ ok: true, view: { status: 'ACTIVE' } });
    const closed = projectEvent(
      (unfrozen as { view: AccountView }).view,
      projectable(4, { type: 'AccountClosed', data: { accountId: ACCOUNT_ID, closedAt: T0 } }),
    );
    expect(closed).toMatchObject({ ok: true, view: { status: 'CLOSED', version: 4, updatedAt: at(4), lastActivityAt: at(1) } });
  });

  it('given no account, when money moves, then it is refused', () => {
    expect(projectEvent(null, projectable(1, deposited(1n, 1n)))).toEqual({ ok: false, reason: 'MoneyDeposited before AccountOpened' });
  });

  it('given an open account, when it is opened again, then it is refused', () => {
    expect(projectEvent(fold([opened(1n)]), projectable(2, opened(1n)))).toEqual({
      ok: false,
      reason: 'AccountOpened for an account that is already open',
    });
  });
});
