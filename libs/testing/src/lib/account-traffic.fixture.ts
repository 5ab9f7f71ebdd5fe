import {
  decide,
  decodeStoredAccountEvent,
  encodeEvent,
  evolve,
  initialAccountState,
  type AccountCommand,
  type AccountState,
  type DomainJsonObject,
} from '@ledger/domain';
import { randomUUID } from 'node:crypto';

/** An encoded event as the event store takes it (`NewEvent`), with the stream position it goes to. */
export interface TrafficEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: DomainJsonObject;
  readonly metadata: { readonly correlationId: string; readonly causationId: string | null };
  readonly occurredAt: Date;
}

/** One append: the events of one command on one account, at the version they expect. */
export interface TrafficAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly TrafficEvent[];
}

interface TrafficAccount {
  state: AccountState;
  version: number;
}

/**
 * Realistic account traffic decided by the domain itself: opens, deposits, withdrawals within the
 * balance, freezes and unfreezes, now and then a withdrawal of everything and a close. The state
 * moves on as each append is handed out, so an account's appends must be stored in the order given
 * (one writer per account); different accounts may be written concurrently.
 */
export class AccountTraffic {
  private readonly accounts = new Map<string, TrafficAccount>();
  private readonly open = new Set<string>();
  private clock: number;

  constructor(private readonly options: { readonly start?: Date; readonly random?: () => number } = {}) {
    this.clock = (options.start ?? new Date('2026-03-01T00:00:00.000Z')).getTime();
  }

  /** Accounts that can still take commands (opened, not closed). */
  get openAccounts(): readonly string[] {
    return [...this.open];
  }

  isOpen(accountId: string): boolean {
    return this.open.has(accountId);
  }

  openAccount(accountId: string = randomUUID(), owner = `Owner ${accountId.slice(0, 4)}`): TrafficAppend {
    if (this.accounts.has(accountId)) throw new Error(`account ${accountId} is already open`);
    this.accounts.set(accountId, { state: initialAccountState, version: 0 });
    this.open.add(accountId);
    const initialDeposit = this.chance(0.2) ? 0n : this.amount(5_000);
    return this.run(accountId, [{ type: 'OpenAccount', data: { accountId, owner, currency: 'EUR', initialDeposit, now: this.now() } }]);
  }

  /** One command on an open account, chosen from what its state allows. */
  act(accountId: string): TrafficAppend {
    const account = this.accounts.get(accountId);
    if (account === undefined || account.state.status === 'NOT_OPENED' || !this.open.has(accountId)) {
      throw new Error(`account ${accountId} is not open`);
    }
    const { balance, status } = account.state;
    if (status === 'FROZEN') return this.run(accountId, [{ type: 'UnfreezeAccount', data: { accountId, now: this.now() } }]);
    const roll = this.random();
    if (roll < 0.55 || balance === 0n) {
      return this.run(accountId, [{ type: 'DepositMoney', data: { accountId, amount: this.amount(10_000), now: this.now() } }]);
    }
    if (roll < 0.9) {
      const amount = 1n + (BigInt(Math.floor(this.random() * 1_000_000)) % balance);
      return this.run(accountId, [{ type: 'WithdrawMoney', data: { accountId, amount, now: this.now() } }]);
    }
    if (roll < 0.99) {
      const reason = this.chance(0.5) ? null : 'unusual activity';
      return this.run(accountId, [{ type: 'FreezeAccount', data: { accountId, reason, now: this.now() } }]);
    }
    const now = this.now();
    return this.run(accountId, [
      { type: 'WithdrawMoney', data: { accountId, amount: balance, now } },
      { type: 'CloseAccount', data: { accountId, now } },
    ]);
  }

  private run(accountId: string, commands: readonly AccountCommand[]): TrafficAppend {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw new Error(`account ${accountId} was never opened`);
    const expectedVersion = account.version;
    const correlationId = randomUUID();
    const events: TrafficEvent[] = [];
    for (const command of commands) {
      const decision = decide(command, account.state);
      if (!decision.ok) throw new Error(`traffic: ${command.type} refused: ${decision.error.type}`);
      for (const event of decision.events) {
        account.state = evolve(account.state, event);
        account.version += 1;
        const encoded = encodeEvent(event);
        events.push({
          eventId: randomUUID(),
          streamId: accountId,
          version: account.version,
          type: encoded.type,
          schemaVersion: encoded.schemaVersion,
          data: encoded.data,
          metadata: { correlationId, causationId: null },
          occurredAt: command.data.now,
        });
      }
    }
    if (account.state.status === 'CLOSED') this.open.delete(accountId);
    return { streamId: accountId, expectedVersion, events };
  }

  private now(): Date {
    this.clock += 1_000;
    return new Date(this.clock);
  }

  private amount(max: number): bigint {
    return BigInt(1 + Math.floor(this.random() * max));
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }
}

/** An account row as the read model must hold it: money as decimal strings, times as ISO strings. */
export interface ExpectedAccountRow {
  readonly account_id: string;
  readonly owner: string;
  readonly currency: string;
  readonly balance: string;
  readonly status: string;
  readonly version: number;
  readonly opened_at: string;
  readonly updated_at: string;
  readonly total_deposited: string;
  readonly total_withdrawn: string;
  readonly transaction_count: number;
  readonly last_activity_at: string | null;
}

export interface ExpectedTransactionRow {
  readonly account_id: string;
  readonly version: number;
  readonly event_id: string;
  readonly type: string;
  readonly amount: string | null;
  readonly balance_after: string;
  readonly status_after: string;
  readonly reason: string | null;
  readonly occurred_at: string;
  readonly correlation_id: string;
}

/** What the oracle reads: a stored event (the event store's committed events fit). */
export interface StoredAccountEventLike {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: DomainJsonObject;
  readonly metadata: { readonly correlationId: string };
  readonly occurredAt: Date;
}

/**
 * The test oracle: the read model a full fold of the stored events gives, written out from the read
 * model's definition rather than from the projector's code, so the two can disagree. Each account's
 * events must come in version order (commit order does that).
 */
export function expectedReadModel(events: Iterable<StoredAccountEventLike>): {
  accounts: Map<string, ExpectedAccountRow>;
  transactions: ExpectedTransactionRow[];
} {
  const accounts = new Map<string, ExpectedAccountRow>();
  const transactions: ExpectedTransactionRow[] = [];
  for (const stored of events) {
    const event = decodeStoredAccountEvent(stored);
    const at = stored.occurredAt.toISOString();
    const before = accounts.get(stored.streamId);
    if (before !== undefined && stored.version !== before.version + 1) {
      throw new Error(`oracle: ${stored.streamId} version ${stored.version} after ${before.version}`);
    }
    let after: ExpectedAccountRow;
    let amount: string | null = null;
    let reason: string | null = null;
    if (event.type === 'AccountOpened') {
      const { owner, currency, initialDeposit, balanceAfter, openedAt } = event.data;
      amount = initialDeposit.toString();
      after = {
        account_id: stored.streamId,
        owner,
        currency,
        balance: balanceAfter.toString(),
        status: 'ACTIVE',
        version: stored.version,
        opened_at: openedAt.toISOString(),
        updated_at: at,
        total_deposited: initialDeposit.toString(),
        total_withdrawn: '0',
        transaction_count: initialDeposit > 0n ? 1 : 0,
        last_activity_at: at,
      };
    } else {
      if (before === undefined) throw new Error(`oracle: ${event.type} before AccountOpened on ${stored.streamId}`);
      const moved = { ...before, version: stored.version, updated_at: at, last_activity_at: at };
      switch (event.type) {
        case 'MoneyDeposited':
          amount = event.data.amount.toString();
          after = {
            ...moved,
            balance: event.data.balanceAfter.toString(),
            total_deposited: (BigInt(before.total_deposited) + event.data.amount).toString(),
            transaction_count: before.transaction_count + 1,
          };
          break;
        case 'MoneyWithdrawn':
          amount = event.data.amount.toString();
          after = {
            ...moved,
            balance: event.data.balanceAfter.toString(),
            total_withdrawn: (BigInt(before.total_withdrawn) + event.data.amount).toString(),
            transaction_count: before.transaction_count + 1,
          };
          break;
        case 'AccountFrozen':
          reason = event.data.reason;
          after = { ...moved, status: 'FROZEN' };
          break;
        case 'AccountUnfrozen':
          after = { ...moved, status: 'ACTIVE' };
          break;
        case 'AccountClosed':
          after = { ...moved, status: 'CLOSED' };
          break;
      }
    }
    accounts.set(stored.streamId, after);
    transactions.push({
      account_id: stored.streamId,
      version: stored.version,
      event_id: stored.eventId,
      type: stored.type,
      amount,
      balance_after: after.balance,
      status_after: after.status,
      reason,
      occurred_at: at,
      correlation_id: stored.metadata.correlationId,
    });
  }
  return { accounts, transactions };
}
