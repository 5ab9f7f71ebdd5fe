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

const TRANSFER_ID = '7e1d2c3b-4a59-4687-a6b5-c4d3e2f1a0b9';
const OTHER_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const leg = { accountId: ACCOUNT_ID, transferId: TRANSFER_ID, counterpartyAccountId: OTHER_ID };
const debited = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'TransferDebited',
  data: { ...leg, amount, balanceAfter, reservedAfter: 0n, debitedAt: T0 },
});
const credited = (amount: bigint, balanceAfter: bigint): AccountEvent => ({
  type: 'TransferCredited',
  data: { ...leg, amount, balanceAfter, reservedAfter: 0n, creditedAt: T0 },
});
const holdPlaced = (amount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldPlaced',
  data: { ...leg, amount, balanceAfter, reservedAfter, expiresAt: at(3_600), placedAt: T0 },
});
const holdPosted = (amount: bigint, heldAmount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldPosted',
  data: { ...leg, amount, heldAmount, balanceAfter, reservedAfter, postedAt: T0 },
});
const holdReleased = (amount: bigint, balanceAfter: bigint, reservedAfter: bigint): AccountEvent => ({
  type: 'HoldReleased',
  data: { ...leg, amount, balanceAfter, reservedAfter, reason: 'VOIDED', releasedAt: T0 },
});

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
        reserved: 0n,
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
        transferId: null,
        counterpartyAccountId: null,
        reservedAfter: 0n,
      },
      leg: null,
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

  it('given no account, when a transfer leg arrives, then it is refused like any money movement', () => {
    expect(projectEvent(null, projectable(1, credited(10n, 10n)))).toEqual({ ok: false, reason: 'TransferCredited before AccountOpened' });
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

  describe('transfer legs', () => {
    it("given an open account, when a transfer debits it, then the balance is the leg's, the row names the transfer and the other party, and the leg is recorded", () => {
      const step = projectEvent(fold([opened(500n)]), projectable(2, debited(200n, 300n)));
      expect(step).toEqual({
        ok: true,
        view: expect.objectContaining({ balance: 300n, reserved: 0n, version: 2, transactionCount: 2, lastActivityAt: at(2) }),
        row: expect.objectContaining({
          type: 'TransferDebited',
          amount: 200n,
          balanceAfter: 300n,
          reservedAfter: 0n,
          transferId: TRANSFER_ID,
          counterpartyAccountId: OTHER_ID,
        }),
        leg: { transferId: TRANSFER_ID, leg: 'TransferDebited', accountId: ACCOUNT_ID, accountVersion: 2 },
      });
    });

    it('given transfers in and out, then deposits and withdrawals totals stay what entered and left the ledger', () => {
      const view = fold([opened(500n), debited(200n, 300n), credited(50n, 350n)]);
      expect(view).toMatchObject({ balance: 350n, totalDeposited: 500n, totalWithdrawn: 0n, transactionCount: 3 });
    });

    it('given a hold placed, then only reserved changes and no money movement is counted', () => {
      const opening = fold([opened(500n)]);
      const step = projectEvent(opening, projectable(2, holdPlaced(120n, 500n, 120n)));
      expect(step).toMatchObject({
        ok: true,
        view: { balance: 500n, reserved: 120n, transactionCount: 1, lastActivityAt: at(1), updatedAt: at(2) },
        row: { type: 'HoldPlaced', amount: 120n, balanceAfter: 500n, reservedAfter: 120n, transferId: TRANSFER_ID },
        leg: { leg: 'HoldPlaced', accountVersion: 2 },
      });
    });

    it('given a hold posted in part, then the posted amount leaves, the whole hold is released, and it counts as a movement', () => {
      const view = fold([opened(500n), holdPlaced(120n, 500n, 120n), holdPosted(80n, 120n, 420n, 0n)]);
      expect(view).toMatchObject({ balance: 420n, reserved: 0n, transactionCount: 2, totalWithdrawn: 0n, lastActivityAt: at(3) });
    });

    it('given a hold released, then reserved goes back and the balance is untouched', () => {
      const view = fold([opened(500n), holdPlaced(120n, 500n, 120n), holdReleased(120n, 500n, 0n)]);
      expect(view).toMatchObject({ balance: 500n, reserved: 0n, transactionCount: 1, version: 3 });
    });

    it('given a status change after a hold, then its row carries the reserved amount as it stands', () => {
      const held = fold([opened(500n), holdPlaced(120n, 500n, 120n)]);
      const step = projectEvent(
        held,
        projectable(3, { type: 'AccountFrozen', data: { accountId: ACCOUNT_ID, reason: null, frozenAt: T0 } }),
      );
      expect(step).toMatchObject({ ok: true, view: { reserved: 120n }, row: { reservedAfter: 120n, transferId: null }, leg: null });
    });
  });
});
