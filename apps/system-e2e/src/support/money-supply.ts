/** What `ledger verify` sums per currency: every accepted deposit (an opening's included) and withdrawal. */
export interface CurrencySupply {
  readonly currency: string;
  readonly deposited: number;
  readonly withdrawn: number;
}

/**
 * The money the run's clients were told was moved in or out (201s only), per currency: every case
 * shares one database, so conservation is checked against all of them, not one case's accounts.
 */
export class MoneySupply {
  private readonly currencyOfAccount = new Map<string, string>();
  private readonly totals = new Map<string, { deposited: number; withdrawn: number }>();

  opened(accountId: string, currency: string, initialDeposit: number): void {
    this.currencyOfAccount.set(accountId, currency);
    this.deposited(accountId, initialDeposit);
  }

  deposited(accountId: string, amount: number): void {
    this.totalsOf(accountId).deposited += amount;
  }

  withdrawn(accountId: string, amount: number): void {
    this.totalsOf(accountId).withdrawn += amount;
  }

  /** By currency name, as `ledger verify --json` lists them. */
  summary(): CurrencySupply[] {
    return [...this.totals]
      .map(([currency, { deposited, withdrawn }]) => ({ currency, deposited, withdrawn }))
      .sort((a, b) => a.currency.localeCompare(b.currency));
  }

  private totalsOf(accountId: string): { deposited: number; withdrawn: number } {
    const currency = this.currencyOfAccount.get(accountId);
    if (currency === undefined) throw new Error(`account ${accountId} was not opened through this run's clients`);
    let totals = this.totals.get(currency);
    if (totals === undefined) {
      totals = { deposited: 0, withdrawn: 0 };
      this.totals.set(currency, totals);
    }
    return totals;
  }
}
