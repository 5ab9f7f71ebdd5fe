import { decide, evolve, initialAccountState, type AccountCommand, type AccountErrorType, type AccountState } from '@ledger/domain';
import type { CommandKind } from '@ledger/read-model-operations';
import { seededRandom, type SeededRandom } from '@ledger/tooling';

/** One request of the plan: what to send, and what the domain says it should get. */
export interface PlannedRequest {
  /** Position in the plan, from 0. */
  readonly index: number;
  readonly kind: CommandKind;
  readonly accountId: string;
  readonly path: string;
  readonly body: Readonly<Record<string, string | number>>;
  /** The opening deposit or the money moved; null for status changes (as an acknowledgement records it). */
  readonly amount: number | null;
  /** Sent with this key, then once more with the same key and body: the second answer must replay the first. */
  readonly idempotencyKey?: string;
  /** If-Match with the version the account was last answered at, or on purpose with another (a 412). */
  readonly ifMatch?: 'current' | 'stale';
  /**
   * `ok`, or the problem type the command service should answer with, if every earlier request of the
   * plan got its planned answer: the domain's own `decide` on the state the plan has folded.
   */
  readonly expected: string;
}

export interface LoadPlanOptions {
  readonly seed: number;
  /** Accounts to open (more are opened when every one has been closed). */
  readonly accounts: number;
}

/** Shares of the mix, each roll of an active account. */
const MIX = { deposit: 0.42, withdraw: 0.22, overdraw: 0.08, freeze: 0.05, close: 0.02, unfreezeActive: 0.01 } as const;
const IDEMPOTENT_SHARE = 0.1;
const IF_MATCH_SHARE = 0.08;
const STALE_SHARE = 0.4;
/** Of the requests to a closed account: rare, to see the refusal. */
const CLOSED_SHARE = 0.01;
const MAX_DEPOSIT = 100_000;

const PROBLEM_OF: Readonly<Record<AccountErrorType, string>> = {
  AccountNotFound: 'account-not-found',
  AccountAlreadyExists: 'account-already-exists',
  InvalidAmount: 'invalid-amount',
  InvalidCommand: 'validation',
  InsufficientFunds: 'insufficient-funds',
  AccountFrozen: 'account-frozen',
  AccountNotFrozen: 'account-not-frozen',
  AccountClosed: 'account-closed',
  BalanceNotZero: 'balance-not-zero',
  // The command edge answers a close with pending holds as balance-not-zero (a hold keeps the balance above zero).
  PendingHolds: 'balance-not-zero',
  BalanceOverflow: 'balance-overflow',
};

interface PlannedAccount {
  state: AccountState;
  /** Its balance has been withdrawn to close it: closed the next time it comes up. */
  closing: boolean;
}

type Draft = Omit<PlannedRequest, 'index' | 'expected' | 'idempotencyKey' | 'ifMatch'> & { readonly command: AccountCommand };

/**
 * A seeded, realistic mix of commands over many accounts: opens first, then deposits, withdrawals
 * (some beyond the balance, refused for insufficient funds), freezes and unfreezes, closes after the
 * balance is withdrawn, now and then a request to a frozen or closed account; some carry an
 * Idempotency-Key and are retried, some an If-Match, some of them stale. The same seed gives the same
 * requests in the same order, whatever the answers: the plan folds its own state with the domain.
 */
export class LoadPlan {
  private readonly random: SeededRandom;
  private readonly accounts = new Map<string, PlannedAccount>();
  private readonly live: string[] = [];
  private readonly closed: string[] = [];
  private index = 0;
  private readonly clock = Date.UTC(2026, 0, 1);

  constructor(private readonly options: LoadPlanOptions) {
    this.random = seededRandom(options.seed);
  }

  next(): PlannedRequest {
    const draft = this.draft();
    const index = this.index++;
    const modifier =
      draft.kind === 'open'
        ? 'none'
        : this.random.chance(IDEMPOTENT_SHARE)
          ? 'idempotent'
          : this.random.chance(IF_MATCH_SHARE)
            ? 'if-match'
            : 'none';
    const stale = modifier === 'if-match' && this.random.chance(STALE_SHARE);
    const { command, ...request } = draft;
    const expected = stale ? 'version-mismatch' : this.apply(draft.accountId, command);
    return {
      ...request,
      index,
      expected,
      ...(modifier === 'idempotent' ? { idempotencyKey: `load-${this.options.seed}-${index}` } : {}),
      ...(modifier === 'if-match' ? { ifMatch: stale ? 'stale' : 'current' } : {}),
    };
  }

  private draft(): Draft {
    const opening = this.accounts.size < this.options.accounts && (this.live.length < 5 || this.random.chance(0.5));
    if (opening || this.live.length === 0) return this.open();
    if (this.closed.length > 0 && this.random.chance(CLOSED_SHARE)) return this.deposit(this.random.pick(this.closed));
    const accountId = this.random.pick(this.live);
    const account = this.account(accountId);
    if (account.state.status === 'NOT_OPENED') throw new Error(`planned account ${accountId} was never opened`);
    const { status, balance } = account.state;
    if (status === 'FROZEN') return this.random.chance(0.8) ? this.simple('unfreeze', accountId) : this.deposit(accountId);
    if (account.closing && balance === 0n) return this.simple('close', accountId);
    return this.active(accountId, balance);
  }

  private active(accountId: string, balance: bigint): Draft {
    let roll = this.random.next();
    const take = (share: number) => (roll -= share) < 0;
    if (take(MIX.deposit)) return this.deposit(accountId);
    if (take(MIX.withdraw))
      return balance > 0n ? this.withdraw(accountId, this.random.between(1, Number(balance))) : this.deposit(accountId);
    if (take(MIX.overdraw)) return this.withdraw(accountId, Number(balance) + this.random.between(1, 10_000));
    if (take(MIX.freeze)) return this.simple('freeze', accountId);
    if (take(MIX.close)) {
      this.account(accountId).closing = true;
      return balance > 0n ? this.withdraw(accountId, Number(balance)) : this.simple('close', accountId);
    }
    if (take(MIX.unfreezeActive)) return this.simple('unfreeze', accountId);
    return this.deposit(accountId);
  }

  private open(): Draft {
    const accountId = this.random.uuid();
    this.accounts.set(accountId, { state: initialAccountState, closing: false });
    this.live.push(accountId);
    const initialDeposit = this.random.chance(0.2) ? 0 : this.random.between(1, 50_000);
    const owner = `Load ${accountId.slice(0, 8)}`;
    return {
      kind: 'open',
      accountId,
      path: '/accounts',
      body: { owner, currency: 'EUR', initialDeposit, accountId },
      amount: initialDeposit,
      command: {
        type: 'OpenAccount',
        // The owner is whoever's token the requests carry; the model's answers do not depend on it.
        data: { accountId, owner, ownerId: 'load', currency: 'EUR', initialDeposit: BigInt(initialDeposit), now: this.now() },
      },
    };
  }

  private deposit(accountId: string): Draft {
    const amount = this.random.between(1, MAX_DEPOSIT);
    return {
      kind: 'deposit',
      accountId,
      path: `/accounts/${accountId}/deposits`,
      body: { amount },
      amount,
      command: { type: 'DepositMoney', data: { accountId, amount: BigInt(amount), now: this.now() } },
    };
  }

  private withdraw(accountId: string, amount: number): Draft {
    return {
      kind: 'withdraw',
      accountId,
      path: `/accounts/${accountId}/withdrawals`,
      body: { amount },
      amount,
      command: { type: 'WithdrawMoney', data: { accountId, amount: BigInt(amount), now: this.now() } },
    };
  }

  private simple(kind: 'freeze' | 'unfreeze' | 'close', accountId: string): Draft {
    const now = this.now();
    const reason = kind === 'freeze' && this.random.chance(0.5) ? 'unusual activity' : null;
    const command: AccountCommand =
      kind === 'freeze'
        ? { type: 'FreezeAccount', data: { accountId, reason, now } }
        : kind === 'unfreeze'
          ? { type: 'UnfreezeAccount', data: { accountId, now } }
          : { type: 'CloseAccount', data: { accountId, now } };
    return { kind, accountId, path: `/accounts/${accountId}/${kind}`, body: reason === null ? {} : { reason }, amount: null, command };
  }

  /** Folds the command into the plan's state; `ok` or the problem type it is refused with. */
  private apply(accountId: string, command: AccountCommand): string {
    const account = this.account(accountId);
    const decision = decide(command, account.state);
    if (!decision.ok) return PROBLEM_OF[decision.error.type];
    for (const event of decision.events) account.state = evolve(account.state, event);
    if (account.state.status === 'CLOSED' && this.live.includes(accountId)) {
      this.live.splice(this.live.indexOf(accountId), 1);
      this.closed.push(accountId);
    }
    return 'ok';
  }

  private account(accountId: string): PlannedAccount {
    const account = this.accounts.get(accountId);
    if (account === undefined) throw new Error(`account ${accountId} is not in the plan`);
    return account;
  }

  /** The plan's own time: commands need one, the service stamps its own. */
  private now(): Date {
    return new Date(this.clock + this.index * 1000);
  }
}
