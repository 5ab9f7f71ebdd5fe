import type { AccountBody, TransactionItem } from './ledger-http.client';

/** What a client asked for, in the terms of the event it should produce. */
export type Change =
  | { readonly type: 'AccountOpened'; readonly amount: number }
  | { readonly type: 'MoneyDeposited'; readonly amount: number }
  | { readonly type: 'MoneyWithdrawn'; readonly amount: number }
  | { readonly type: 'AccountFrozen'; readonly reason: string }
  | { readonly type: 'AccountUnfrozen' }
  | { readonly type: 'AccountClosed' };

const STATUS_AFTER: Partial<Record<Change['type'], string>> = {
  AccountOpened: 'ACTIVE',
  AccountFrozen: 'FROZEN',
  AccountUnfrozen: 'ACTIVE',
  AccountClosed: 'CLOSED',
};

/**
 * The account the query service must show, worked out from the commands a client had accepted, by
 * the rules of docs/api.md (totals, movements, timestamps), independently of the apps' code.
 * `occurredAt` is the only value the service chooses; the caller bounds it by the request's timing.
 */
export class ExpectedAccount {
  balance = 0;
  status = 'ACTIVE';
  version = 0;
  private totalDeposited = 0;
  private totalWithdrawn = 0;
  private transactionCount = 0;
  private openedAt = '';
  private updatedAt = '';
  private lastActivityAt: string | null = null;
  /** Oldest first. */
  private readonly items: TransactionItem[] = [];

  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly currency: string,
  ) {}

  /** The balance and status a change leads to, before it is applied. */
  after(change: Change): { balance: number; status: string } {
    const moved = 'amount' in change ? change.amount : 0;
    const balance = change.type === 'MoneyWithdrawn' ? this.balance - moved : this.balance + moved;
    return { balance, status: STATUS_AFTER[change.type] ?? this.status };
  }

  apply(change: Change, eventId: string, occurredAt: string): void {
    const { balance, status } = this.after(change);
    const money = 'amount' in change;
    this.version += 1;
    this.balance = balance;
    this.status = status;
    this.updatedAt = occurredAt;
    if (change.type === 'AccountOpened') this.openedAt = occurredAt;
    if (change.type === 'AccountOpened' || change.type === 'MoneyDeposited') this.totalDeposited += change.amount;
    if (change.type === 'MoneyWithdrawn') this.totalWithdrawn += change.amount;
    if (money && change.amount > 0) {
      this.transactionCount += 1;
      this.lastActivityAt = occurredAt;
    }
    this.items.push({
      eventId,
      version: this.version,
      type: change.type,
      amount: money ? change.amount : null,
      balanceAfter: money ? balance : null,
      reason: change.type === 'AccountFrozen' ? change.reason : null,
      occurredAt,
      transferId: null,
      counterpartyAccountId: null,
    });
  }

  body(): AccountBody {
    return {
      accountId: this.accountId,
      owner: this.owner,
      currency: this.currency,
      balance: this.balance,
      // No holds in these cases: everything is available.
      availableBalance: this.balance,
      reserved: 0,
      status: this.status,
      version: this.version,
      openedAt: this.openedAt,
      updatedAt: this.updatedAt,
      summary: {
        totalDeposited: this.totalDeposited,
        totalWithdrawn: this.totalWithdrawn,
        transactionCount: this.transactionCount,
        lastActivityAt: this.lastActivityAt,
      },
    };
  }

  /** The transactions list: newest first. */
  history(): TransactionItem[] {
    return [...this.items].reverse();
  }

  /** The SSE messages of the versions after `lastEventId`, oldest first: id, event and data. */
  streamAfter(lastEventId: number): Array<{ id: string; event: string; data: unknown }> {
    let balance = 0;
    let status = 'ACTIVE';
    return this.items
      .map((item) => {
        balance = item.balanceAfter ?? balance;
        status = STATUS_AFTER[item.type as Change['type']] ?? status;
        return { id: String(item.version), event: item.type, data: { ...item, balance, status } };
      })
      .filter((message) => Number(message.id) > lastEventId);
  }
}
