import { transferStreamId, type AccountEvent } from '@ledger/domain';
import type { AccountView } from '@ledger/read-model-schema';
import { ABSENT, rendered, type Difference } from './consistency.difference';
import type { ExpectedTransfer } from './expected-transfer.fold';
import { checkTransferLegs, storedLeg, type StoredLeg } from './transfer-legs.check';

/** One currency's money, as the store's events give it. */
export interface CurrencyTotals {
  readonly currency: string;
  /** Deposits, opening deposits included. */
  readonly deposited: bigint;
  readonly withdrawn: bigint;
  /** The sum of every account's balance. */
  readonly balances: bigint;
}

export interface ConservationOptions {
  /**
   * When the check started: a hold still pending `expiryGraceMs` after its deadline is then a breach.
   * Absent: holds are not checked against the clock (a store replayed in a test has no clock of its own).
   */
  readonly now?: Date;
  /** How long past its deadline a hold may still be pending: the expiry worker's slack. */
  readonly expiryGraceMs: number;
}

/** The default slack: the expiry worker releases a hold within a second of its deadline. */
export const DEFAULT_EXPIRY_GRACE_MS = 5_000;

/** Stands for every currency: an account that broke before its currency was known. */
const ANY_CURRENCY = '*';

interface Totals {
  deposited: bigint;
  withdrawn: bigint;
  balances: bigint;
}

/**
 * The store's conservation laws, checked while the consistency check walks the store: accounts first
 * (money in and out per currency, each account's balance and reserved amount, the legs), then the
 * transfer streams (each against its legs; the pending holds). What has to wait for the end (the
 * sums, legs no transfer claimed, reserved amounts against the holds) comes from `finish`.
 *
 * Memory: the legs wait for their transfer's stream, which the walk reaches after every account
 * (`transfer-…` sorts after every account id), so the legs of the whole store are held, a few dozen
 * bytes each; everything else is per currency or per account with money reserved.
 */
export class StoreConservation {
  private readonly totals = new Map<string, Totals>();
  private readonly legs = new Map<string, StoredLeg[]>();
  private readonly reserved = new Map<string, bigint>();
  private readonly pending = new Map<string, bigint>();
  /** Accounts whose stream broke: their money is unknown, and breaches that would only echo the break are not reported. */
  private readonly broken = new Set<string>();
  private readonly uncertainCurrencies = new Set<string>();
  private finished: readonly CurrencyTotals[] = [];

  constructor(private readonly options: ConservationOptions) {}

  /** An event of an account stream, as applied (`currency` is the account's). */
  accountEvent(currency: string, version: number, event: AccountEvent): void {
    const money = this.totalsOf(currency);
    switch (event.type) {
      case 'AccountOpened':
        money.deposited += event.data.initialDeposit;
        return;
      case 'MoneyDeposited':
        money.deposited += event.data.amount;
        return;
      case 'MoneyWithdrawn':
        money.withdrawn += event.data.amount;
        return;
      case 'TransferDebited':
      case 'TransferCredited':
      case 'HoldPlaced':
      case 'HoldPosted':
      case 'HoldReleased': {
        const leg = storedLeg(event, version, currency);
        const legs = this.legs.get(leg.transferId) ?? [];
        legs.push(leg);
        this.legs.set(leg.transferId, legs);
        return;
      }
      case 'AccountFrozen':
      case 'AccountUnfrozen':
      case 'AccountClosed':
        return;
      default: {
        const unknown: never = event;
        throw new Error(`unhandled account event ${String((unknown as { type: unknown }).type)}`);
      }
    }
  }

  /**
   * The end of an account's stream: `view` is what it gave (null if it broke or never opened), and
   * `currency` the account's (null if it broke before its opening applied).
   */
  accountEnd(accountId: string, view: AccountView | null, broke: boolean, currency: string | null): void {
    if (broke) {
      this.broken.add(accountId);
      this.uncertainCurrencies.add(currency ?? ANY_CURRENCY);
      return;
    }
    if (view === null) return;
    this.totalsOf(view.currency).balances += view.balance;
    if (view.reserved !== 0n) this.reserved.set(accountId, view.reserved);
  }

  /** The legs the account streams hold for this transfer, handed over once (null if none). */
  takeLegs(transferId: string): readonly StoredLeg[] {
    const legs = this.legs.get(transferId) ?? [];
    this.legs.delete(transferId);
    return legs;
  }

  /**
   * A transfer's stream, read to its end, against its legs (taken with `takeLegs`); `expected` is null
   * when the store has no such stream, and its legs are then breaches of their own.
   */
  transfer(streamId: string, expected: ExpectedTransfer | null, legs: readonly StoredLeg[]): Difference[] {
    if (expected === null) return orphans(streamId, legs);
    const transfer = expected.current;
    if (transfer === null) return [];
    const [from, to] = [transfer.fromAccountId.toLowerCase(), transfer.toAccountId.toLowerCase()];
    if (transfer.status === 'pending') this.pending.set(from, (this.pending.get(from) ?? 0n) + transfer.amount);
    const problems: Difference[] = [];
    if (!this.broken.has(from) && !this.broken.has(to)) {
      problems.push(...checkTransferLegs(expected.streamId, transfer, legs));
    }
    const now = this.options.now;
    if (transfer.status === 'pending' && transfer.expiresAt !== null && now !== undefined) {
      const late = now.getTime() - transfer.expiresAt.getTime();
      if (late > this.options.expiryGraceMs) {
        problems.push({
          kind: 'transfer',
          accountId: expected.streamId,
          field: 'hold',
          expected: `released by ${new Date(transfer.expiresAt.getTime() + this.options.expiryGraceMs).toISOString()} (deadline ${transfer.expiresAt.toISOString()} + ${this.options.expiryGraceMs} ms)`,
          actual: `pending ${late} ms after its deadline, at ${now.toISOString()}`,
        });
      }
    }
    return problems;
  }

  /** What only the whole store shows: legs no transfer claimed, reserved amounts against the holds, the sums. */
  finish(): Difference[] {
    const problems: Difference[] = [];
    for (const [transferId, legs] of this.legs) problems.push(...orphans(transferStreamId(transferId), legs));
    this.legs.clear();
    const accounts = [...new Set([...this.reserved.keys(), ...this.pending.keys()])].sort();
    for (const accountId of accounts) {
      if (this.broken.has(accountId)) continue;
      const reserved = this.reserved.get(accountId) ?? 0n;
      const held = this.pending.get(accountId) ?? 0n;
      if (reserved !== held) {
        problems.push({
          kind: 'conservation',
          accountId,
          field: 'reserved',
          expected: `${rendered(held)} (the sum of its pending holds)`,
          actual: rendered(reserved),
        });
      }
    }
    this.finished = [...this.totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, money]) => ({ currency, ...money }));
    for (const money of this.finished) {
      if (this.uncertainCurrencies.has(money.currency) || this.uncertainCurrencies.has(ANY_CURRENCY)) continue;
      const due = money.deposited - money.withdrawn;
      if (due !== money.balances) {
        problems.push({
          kind: 'conservation',
          accountId: money.currency,
          field: 'sum of balances (event store)',
          expected: `${rendered(due)} (deposits ${rendered(money.deposited)} - withdrawals ${rendered(money.withdrawn)})`,
          actual: rendered(money.balances),
        });
      }
    }
    return problems;
  }

  /** Per currency, once `finish` ran. */
  get currencies(): readonly CurrencyTotals[] {
    return this.finished;
  }

  private totalsOf(currency: string): Totals {
    let money = this.totals.get(currency);
    if (money === undefined) {
      money = { deposited: 0n, withdrawn: 0n, balances: 0n };
      this.totals.set(currency, money);
    }
    return money;
  }
}

/** Legs whose transfer has no stream in the store. */
function orphans(streamId: string, legs: readonly StoredLeg[]): Difference[] {
  return legs.map((leg) => ({
    kind: 'transfer' as const,
    accountId: streamId,
    field: `leg ${leg.type}`,
    expected: `${ABSENT} (the store has no stream ${streamId})`,
    actual: `${leg.type} ${leg.amount} at ${leg.accountId} v${leg.version}`,
  }));
}

/**
 * The same law on the read model's own rows: per currency, the balances add up to what was deposited
 * less what was withdrawn (the accounts' totals), whatever moved between accounts.
 */
export class ReadModelConservation {
  private readonly totals = new Map<string, Totals>();

  add(account: AccountView): void {
    const money = this.totals.get(account.currency) ?? { deposited: 0n, withdrawn: 0n, balances: 0n };
    money.deposited += account.totalDeposited;
    money.withdrawn += account.totalWithdrawn;
    money.balances += account.balance;
    this.totals.set(account.currency, money);
  }

  finish(): Difference[] {
    return [...this.totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([currency, money]) => {
        const due = money.deposited - money.withdrawn;
        return due === money.balances
          ? []
          : [
              {
                kind: 'conservation' as const,
                accountId: currency,
                field: 'sum of balances (read model)',
                expected: `${rendered(due)} (total deposited ${rendered(money.deposited)} - total withdrawn ${rendered(money.withdrawn)})`,
                actual: rendered(money.balances),
              },
            ];
      });
  }
}
