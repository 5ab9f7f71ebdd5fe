import { isTransferLeg, type AccountEvent, type TransferLegEvent } from '@ledger/domain';
import type { AccountView, TransactionRow, TransferLegRow } from '@ledger/read-model-schema';

/** A decoded event with the position facts the read model needs. */
export interface ProjectableEvent {
  readonly eventId: string;
  readonly accountId: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly correlationId: string;
  readonly event: AccountEvent;
}

export type ProjectionStep =
  | {
      readonly ok: true;
      readonly view: AccountView;
      readonly row: TransactionRow;
      /** Set when the event is a transfer leg: which leg of which transfer this account applied. */
      readonly leg: TransferLegRow | null;
    }
  /** The event cannot attach to the view as it is (a money event before the opening, a second opening). */
  | { readonly ok: false; readonly reason: string };

/**
 * The read model's fold: one event on top of the account view (null before the opening). Total and
 * pure; the caller has already checked that `version` is the next one. A transfer leg takes the
 * balance and the reserved amount it carries, as decided; the other side of the transfer is another
 * stream and plays no part here.
 */
export function projectEvent(view: AccountView | null, projectable: ProjectableEvent): ProjectionStep {
  const { event, version, occurredAt } = projectable;
  if (event.type === 'AccountOpened') {
    if (view !== null) return { ok: false, reason: 'AccountOpened for an account that is already open' };
    const { owner, ownerId, currency, initialDeposit, balanceAfter, openedAt } = event.data;
    const opened: AccountView = {
      accountId: projectable.accountId,
      owner,
      ownerId,
      currency,
      balance: balanceAfter,
      reserved: 0n,
      status: 'ACTIVE',
      version,
      openedAt,
      updatedAt: occurredAt,
      totalDeposited: initialDeposit,
      totalWithdrawn: 0n,
      transactionCount: initialDeposit > 0n ? 1 : 0,
      lastActivityAt: initialDeposit > 0n ? occurredAt : null,
    };
    return { ok: true, view: opened, row: rowOf(projectable, opened, initialDeposit, null), leg: null };
  }
  if (view === null) return { ok: false, reason: `${event.type} before AccountOpened` };
  if (isTransferLeg(event)) return projectLeg(view, projectable, event);
  const next = evolveView(view, event, version, occurredAt);
  const amount = event.type === 'MoneyDeposited' || event.type === 'MoneyWithdrawn' ? event.data.amount : null;
  const reason = event.type === 'AccountFrozen' ? event.data.reason : null;
  return { ok: true, view: next, row: rowOf(projectable, next, amount, reason), leg: null };
}

/**
 * Whether a leg changed the balance (money left or arrived), as opposed to only the reserved amount:
 * such legs count as transactions and date the account's last activity, as deposits and withdrawals do.
 */
function movesMoney(leg: TransferLegEvent): boolean {
  switch (leg.type) {
    case 'TransferDebited':
    case 'TransferCredited':
    case 'HoldPosted':
      return true;
    case 'HoldPlaced':
    case 'HoldReleased':
      return false;
    default: {
      const _exhaustive: never = leg;
      throw new Error(`unhandled leg ${String((_exhaustive as { type: unknown }).type)}`);
    }
  }
}

/**
 * A leg on the account: balance and reserved as the leg left them. Deposits and withdrawals totals are
 * money entering and leaving the ledger, which a transfer never is, so they do not change.
 */
function projectLeg(view: AccountView, projectable: ProjectableEvent, leg: TransferLegEvent): ProjectionStep {
  const { version, occurredAt } = projectable;
  const { transferId, counterpartyAccountId, amount, balanceAfter, reservedAfter } = leg.data;
  const next = nextView(view, version, occurredAt);
  next.balance = balanceAfter;
  next.reserved = reservedAfter;
  if (movesMoney(leg)) moneyMoved(next, balanceAfter, occurredAt);
  const row: TransactionRow = {
    ...rowOf(projectable, next, amount, null),
    transferId: transferId.toLowerCase(),
    counterpartyAccountId: counterpartyAccountId.toLowerCase(),
  };
  return {
    ok: true,
    view: next,
    row,
    leg: { transferId: transferId.toLowerCase(), leg: leg.type, accountId: projectable.accountId, accountVersion: version },
  };
}

function evolveView(
  view: AccountView,
  event: Exclude<AccountEvent, { type: 'AccountOpened' } | TransferLegEvent>,
  version: number,
  at: Date,
): AccountView {
  const next = nextView(view, version, at);
  switch (event.type) {
    case 'MoneyDeposited':
      moneyMoved(next, event.data.balanceAfter, at);
      next.totalDeposited += event.data.amount;
      return next;
    case 'MoneyWithdrawn':
      moneyMoved(next, event.data.balanceAfter, at);
      next.totalWithdrawn += event.data.amount;
      return next;
    case 'AccountFrozen':
      next.status = 'FROZEN';
      return next;
    case 'AccountUnfrozen':
      next.status = 'ACTIVE';
      return next;
    case 'AccountClosed':
      next.status = 'CLOSED';
      return next;
    default: {
      const _exhaustive: never = event;
      throw new Error(`unhandled event ${String((_exhaustive as { type: unknown }).type)}`);
    }
  }
}

type MutableView = { -readonly [K in keyof AccountView]: AccountView[K] };

/**
 * A copy of the view at the event's version and time, for the event to change in place before it is
 * handed on: a backlog's fold makes one view per event, and a spread per changed field was a copy each.
 */
function nextView(view: AccountView, version: number, at: Date): MutableView {
  return { ...view, version, updatedAt: at };
}

/** What a deposit, a withdrawal and a leg that moves money change: the balance, the count of transactions, the last activity. */
function moneyMoved(next: MutableView, balance: bigint, at: Date): void {
  next.balance = balance;
  next.transactionCount += 1;
  next.lastActivityAt = at;
}

function rowOf(projectable: ProjectableEvent, after: AccountView, amount: bigint | null, reason: string | null): TransactionRow {
  return {
    accountId: projectable.accountId,
    version: projectable.version,
    eventId: projectable.eventId,
    type: projectable.event.type,
    amount,
    balanceAfter: after.balance,
    statusAfter: after.status,
    reason,
    occurredAt: projectable.occurredAt,
    correlationId: projectable.correlationId,
    transferId: null,
    counterpartyAccountId: null,
    reservedAfter: after.reserved,
  };
}
