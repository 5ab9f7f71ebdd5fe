import { decodeStoredAccountEvent, evolve, initialAccountState, isTransferLeg, type AccountEvent, type AccountState } from '@ledger/domain';
import type { AccountView, TransactionRow } from '@ledger/read-model-schema';
import { rendered, type Difference } from './consistency.difference';
import { decodeInOrder, type StoreEvent } from './store-event';

export interface ExpectedStep {
  /** The history row the event must have; null when the stream cannot be checked from here on. */
  readonly row: TransactionRow | null;
  readonly event: AccountEvent | null;
  /** What is wrong with the stored history itself at this event. */
  readonly problems: readonly Difference[];
}

/**
 * The account one stream must give, worked out with the domain's own `evolve` (status, balance,
 * owner, currency) and the summary rules of the API contract (totals, counts, event times), never
 * with the projector's code: the checker is a second opinion on it. One event at a time, so a stream
 * of any length is checked in constant memory.
 *
 * The store's history is checked too: an event that cannot be read, a version gap or an event that
 * cannot attach (a money event before the opening, a second opening) stops the check of the stream
 * there, as it stops the projector; a balance that does not add up is reported and the check goes on,
 * since `balanceAfter` is what every reader takes.
 */
export class ExpectedAccount {
  private state: AccountState = initialAccountState;
  private last: AccountView | null = null;
  private version = 0;
  private brokenAt: number | null = null;

  constructor(readonly accountId: string) {}

  /** True once the stream cannot be checked any further (its first problem has been reported). */
  get broken(): boolean {
    return this.brokenAt !== null;
  }

  /** The account's currency once opened, even when the stream broke later. */
  get currency(): string | null {
    return this.state.status === 'NOT_OPENED' ? null : this.state.currency;
  }

  /** The account row the stream must give: null before an opening (or when the stream broke). */
  get view(): AccountView | null {
    return this.broken ? null : this.last;
  }

  apply(stored: StoreEvent): ExpectedStep {
    if (this.broken) return { row: null, event: null, problems: [] };
    const read = decodeInOrder(stored, this.version, decodeStoredAccountEvent);
    if ('broken' in read) return this.stop(stored.version, read.broken.expected, read.broken.actual);
    const { event } = read;
    const opened = this.state.status !== 'NOT_OPENED';
    if (event.type === 'AccountOpened' && opened) return this.stop(stored.version, 'one AccountOpened', 'AccountOpened of an open account');
    if (event.type !== 'AccountOpened' && !opened)
      return this.stop(stored.version, 'AccountOpened first', `${event.type} before AccountOpened`);

    const problems = [...this.arithmetic(stored.version, event), ...this.ownership(stored.version, event)];
    const before = this.state;
    this.state = evolve(this.state, event);
    this.version = stored.version;
    const row = this.rowOf(stored, event);
    this.last = this.summarise(before, event, row);
    return { row, event, problems };
  }

  private stop(version: number, expected: string, actual: string): ExpectedStep {
    this.brokenAt = version;
    return { row: null, event: null, problems: [this.storeProblem(`event v${version}`, expected, actual)] };
  }

  /**
   * `balanceAfter` (and a leg's `reservedAfter`) must be what the decision made of the account before
   * it: a leg that moved another amount than it says breaks conservation where it happened.
   */
  private arithmetic(version: number, event: AccountEvent): Difference[] {
    const before = this.state.status === 'NOT_OPENED' ? { balance: 0n, reserved: 0n } : this.state;
    const due = dueAfter(event, before.balance, before.reserved);
    if (due === null || !('balanceAfter' in event.data)) return [];
    const problems: Difference[] = [];
    if (due.balance !== event.data.balanceAfter) {
      problems.push(this.storeProblem(`event v${version} balanceAfter`, rendered(due.balance), rendered(event.data.balanceAfter)));
    }
    if (isTransferLeg(event) && due.reserved !== event.data.reservedAfter) {
      problems.push(this.storeProblem(`event v${version} reservedAfter`, rendered(due.reserved), rendered(event.data.reservedAfter)));
    }
    return problems;
  }

  private ownership(version: number, event: AccountEvent): Difference[] {
    const problems =
      event.data.accountId === this.accountId
        ? []
        : [this.storeProblem(`event v${version} accountId`, this.accountId, event.data.accountId)];
    if (isTransferLeg(event) && event.data.counterpartyAccountId === this.accountId) {
      problems.push(this.storeProblem(`event v${version} counterpartyAccountId`, 'another account', event.data.counterpartyAccountId));
    }
    return problems;
  }

  private storeProblem(field: string, expected: string, actual: string): Difference {
    return { kind: 'event-store', accountId: this.accountId, field, expected, actual };
  }

  private rowOf(stored: StoreEvent, event: AccountEvent): TransactionRow {
    if (this.state.status === 'NOT_OPENED') throw new Error('an applied event leaves the account opened');
    const leg = isTransferLeg(event) ? event.data : null;
    return {
      accountId: this.accountId,
      version: stored.version,
      eventId: stored.eventId,
      type: event.type,
      amount: amountOf(event),
      balanceAfter: this.state.balance,
      statusAfter: this.state.status,
      reason: event.type === 'AccountFrozen' ? event.data.reason : null,
      occurredAt: stored.occurredAt,
      correlationId: stored.metadata.correlationId,
      // Ids as the read model keys them (uuid columns read back in lower case).
      transferId: leg?.transferId.toLowerCase() ?? null,
      counterpartyAccountId: leg?.counterpartyAccountId.toLowerCase() ?? null,
      reservedAfter: this.state.reserved,
    };
  }

  /**
   * The contract's summary: totals include the opening deposit; only events that change the balance
   * (money in or out, a transfer's debit or credit, a posted hold) count and date activity.
   */
  private summarise(before: AccountState, event: AccountEvent, row: TransactionRow): AccountView {
    if (this.state.status === 'NOT_OPENED') throw new Error('an applied event leaves the account opened');
    const previous = before.status === 'NOT_OPENED' ? null : this.last;
    const deposited = event.type === 'AccountOpened' ? event.data.initialDeposit : event.type === 'MoneyDeposited' ? event.data.amount : 0n;
    const withdrawn = event.type === 'MoneyWithdrawn' ? event.data.amount : 0n;
    // Transfers move money within the ledger: they count as activity, never as money in or out.
    const moved = deposited > 0n || withdrawn > 0n || movesBalance(event);
    return {
      accountId: this.accountId,
      owner: this.state.owner,
      // Taken from the opening itself, not from the domain's state, so no other code shapes it.
      ownerId: event.type === 'AccountOpened' ? event.data.ownerId : (previous?.ownerId ?? null),
      currency: this.state.currency,
      balance: this.state.balance,
      reserved: this.state.reserved,
      status: this.state.status,
      version: row.version,
      openedAt: this.state.openedAt,
      updatedAt: row.occurredAt,
      totalDeposited: (previous?.totalDeposited ?? 0n) + deposited,
      totalWithdrawn: (previous?.totalWithdrawn ?? 0n) + withdrawn,
      transactionCount: (previous?.transactionCount ?? 0) + (moved ? 1 : 0),
      lastActivityAt: moved ? row.occurredAt : (previous?.lastActivityAt ?? null),
    };
  }
}

/**
 * The amount a history row shows: the opening deposit (possibly 0), the money moved, a leg's amount
 * (what was debited, credited, reserved, posted or released), or none for a status change.
 */
function amountOf(event: AccountEvent): bigint | null {
  switch (event.type) {
    case 'AccountOpened':
      return event.data.initialDeposit;
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
    case 'TransferDebited':
    case 'TransferCredited':
    case 'HoldPlaced':
    case 'HoldPosted':
    case 'HoldReleased':
      return event.data.amount;
    case 'AccountFrozen':
    case 'AccountUnfrozen':
    case 'AccountClosed':
      return null;
    default:
      return unhandled(event);
  }
}

/**
 * The balance and the reserved amount an event must leave, from the account's before it (the domain's
 * decisions, restated): null for a status change, which moves neither.
 */
export function dueAfter(event: AccountEvent, balance: bigint, reserved: bigint): { balance: bigint; reserved: bigint } | null {
  switch (event.type) {
    case 'AccountOpened':
      return { balance: event.data.initialDeposit, reserved: 0n };
    case 'MoneyDeposited':
    case 'TransferCredited':
      return { balance: balance + event.data.amount, reserved };
    case 'MoneyWithdrawn':
    case 'TransferDebited':
      return { balance: balance - event.data.amount, reserved };
    case 'HoldPlaced':
      return { balance, reserved: reserved + event.data.amount };
    // The posted part leaves the account, and the whole hold stops being reserved.
    case 'HoldPosted':
      return { balance: balance - event.data.amount, reserved: reserved - event.data.heldAmount };
    case 'HoldReleased':
      return { balance, reserved: reserved - event.data.amount };
    case 'AccountFrozen':
    case 'AccountUnfrozen':
    case 'AccountClosed':
      return null;
    default:
      return unhandled(event);
  }
}

/** A transfer leg that changed the balance (placing or releasing a hold changes only what is reserved). */
function movesBalance(event: AccountEvent): boolean {
  return event.type === 'TransferDebited' || event.type === 'TransferCredited' || event.type === 'HoldPosted';
}

function unhandled(event: never): never {
  throw new Error(`unhandled account event ${String((event as { type: unknown }).type)}`);
}
