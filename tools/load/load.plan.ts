import {
  decide,
  decideTransfer,
  evolve,
  evolveTransfer,
  initialAccountState,
  initialTransferState,
  PENDING_TIMEOUT_MAX_SECONDS,
  type AccountCommand,
  type AccountErrorType,
  type AccountEvent,
  type AccountState,
  type TransferCommand,
  type TransferErrorType,
  type TransferState,
} from '@ledger/domain';
import type { JsonObject } from '@ledger/primitives';
import { COMMAND_KINDS, type CommandKind } from '@ledger/read-model-operations';
import { seededRandom, type SeededRandom } from '@ledger/tooling';

/** Transfers between two of the generator's accounts: immediate, a hold, and a hold's post or void. */
export const TRANSFER_KINDS = ['transfer', 'hold', 'post', 'void'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Every kind of request the load generator sends: account commands and transfers. */
export type LoadKind = CommandKind | TransferKind;
export const LOAD_KINDS: readonly LoadKind[] = [...COMMAND_KINDS, ...TRANSFER_KINDS];

export function isTransferKind(kind: LoadKind): kind is TransferKind {
  return (TRANSFER_KINDS as readonly string[]).includes(kind);
}

/** One request of the plan: what to send, and what the domain says it should get. */
export interface PlannedRequest {
  /** Position in the plan, from 0. */
  readonly index: number;
  readonly kind: LoadKind;
  /** The account the command is on; a transfer's source. */
  readonly accountId: string;
  /** Every account the request changes or is decided on, in the plan's order of them (a transfer's source, then its destination). */
  readonly accountIds: readonly string[];
  readonly path: string;
  readonly body: Readonly<JsonObject>;
  /** The opening deposit or the money moved (a hold's reservation, a post's amount); null for status changes and voids. */
  readonly amount: number | null;
  /** Sent with this key, then once more with the same key and body: the second answer must replay the first. */
  readonly idempotencyKey?: string;
  /** A new transfer sent once more as it was: its transferId is its key, so the second answer must replay the first. */
  readonly resend?: true;
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

/** Shares of the mix, each roll of an active account (the rest are deposits). */
const MIX = {
  deposit: 0.3,
  withdraw: 0.22,
  overdraw: 0.08,
  transfer: 0.1,
  overTransfer: 0.02,
  hold: 0.05,
  freeze: 0.05,
  close: 0.02,
  unfreezeActive: 0.01,
} as const;
/** Of all requests, those that resolve a hold (post or void), while any is pending. */
const RESOLVE_SHARE = 0.06;
/** Of the resolutions, a void of a hold already resolved: refused, as not pending. */
const RESOLVE_AGAIN_SHARE = 0.1;
/** A hold that stays pending in the plan for its whole run: the plan's clock never reaches its deadline. */
const HOLD_TIMEOUT_SECONDS = PENDING_TIMEOUT_MAX_SECONDS;
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

/** The API's problem types for transfer refusals; the plan sends only requests whose refusal is one of the API's. */
const TRANSFER_PROBLEM_OF: Readonly<Record<TransferErrorType, string>> = {
  AccountNotFound: 'account-not-found',
  InvalidAmount: 'invalid-amount',
  InvalidCommand: 'validation',
  InsufficientFunds: 'insufficient-funds',
  AccountFrozen: 'account-frozen',
  AccountClosed: 'account-closed',
  TransferNotFound: 'transfer-not-found',
  TransferIdReused: 'transfer-id-reused',
  SameAccount: 'same-account',
  CurrencyMismatch: 'currency-mismatch',
  TransferNotPending: 'transfer-not-pending',
  TransferExpired: 'transfer-expired',
  TransferNotExpired: 'transfer-not-expired',
  PostExceedsPending: 'post-exceeds-pending',
  DestinationOverflow: 'balance-overflow',
};

interface PlannedAccount {
  state: AccountState;
  /** Its balance has been withdrawn to close it: closed the next time it comes up. */
  closing: boolean;
}

/** A transfer as the plan has folded it: its state and its two accounts. */
interface PlannedTransfer {
  state: TransferState;
  readonly fromAccountId: string;
  readonly toAccountId: string;
}

type Draft = Omit<PlannedRequest, 'index' | 'expected' | 'idempotencyKey' | 'ifMatch' | 'resend'> &
  ({ readonly command: AccountCommand } | { readonly transfer: TransferCommand });

/**
 * A seeded, realistic mix of commands over many accounts: opens first, then deposits, withdrawals
 * (some beyond the balance, refused for insufficient funds), freezes and unfreezes, closes after the
 * balance is withdrawn, now and then a request to a frozen or closed account; some carry an
 * Idempotency-Key and are retried, some an If-Match, some of them stale. Transfers between its
 * accounts (all of them the caller's own): immediate ones (some beyond the available balance), holds,
 * and later a hold's post (whole or part) or void, now and then a void of one already resolved; some
 * new transfers are sent twice (the transferId is the key) and some posts and voids with an
 * Idempotency-Key. The same seed gives the same requests in the same order, whatever the answers: the
 * plan folds its own state with the domain, accounts and transfers alike.
 */
export class LoadPlan {
  private readonly random: SeededRandom;
  private readonly accounts = new Map<string, PlannedAccount>();
  private readonly live: string[] = [];
  private readonly closed: string[] = [];
  private readonly transfers = new Map<string, PlannedTransfer>();
  /** Holds pending in the plan, and holds resolved (a few, to void again). */
  private readonly pending: string[] = [];
  private readonly resolved: string[] = [];
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
    if ('transfer' in draft) {
      const { transfer, ...request } = draft;
      const expected = this.applyTransfer(transfer);
      // A new transfer's key is its id; a post or void takes an Idempotency-Key. Neither has an If-Match.
      const key =
        modifier === 'idempotent' && (transfer.type === 'TransferMoney' || transfer.type === 'PlacePendingTransfer') ? 'resend' : modifier;
      return {
        ...request,
        index,
        expected,
        ...(key === 'resend' ? { resend: true } : key === 'idempotent' ? { idempotencyKey: `load-${this.options.seed}-${index}` } : {}),
      };
    }
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
    if (this.pending.length > 0 && this.random.chance(RESOLVE_SHARE)) return this.resolve();
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
    const available = this.availableOf(accountId);
    if (take(MIX.transfer))
      return available > 0n ? this.newTransfer('transfer', accountId, this.random.between(1, Number(available))) : this.deposit(accountId);
    if (take(MIX.overTransfer)) return this.newTransfer('transfer', accountId, Number(available) + this.random.between(1, 10_000));
    if (take(MIX.hold))
      return available > 0n ? this.newTransfer('hold', accountId, this.random.between(1, Number(available))) : this.deposit(accountId);
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
      accountIds: [accountId],
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
      accountIds: [accountId],
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
      accountIds: [accountId],
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
    return {
      kind,
      accountId,
      accountIds: [accountId],
      path: `/accounts/${accountId}/${kind}`,
      body: reason === null ? {} : { reason },
      amount: null,
      command,
    };
  }

  /** An immediate transfer or a hold from `fromAccountId` to another live account; a deposit when there is none. */
  private newTransfer(kind: 'transfer' | 'hold', fromAccountId: string, amount: number): Draft {
    const others = this.live.filter((id) => id !== fromAccountId);
    if (others.length === 0) return this.deposit(fromAccountId);
    const toAccountId = this.random.pick(others);
    const transferId = this.random.uuid();
    this.transfers.set(transferId, { state: initialTransferState, fromAccountId, toAccountId });
    const terms = { transferId, fromAccountId, toAccountId, amount: BigInt(amount), currency: 'EUR', reference: null, now: this.now() };
    const body = { transferId, fromAccountId, toAccountId, amount, currency: 'EUR' };
    return {
      kind,
      accountId: fromAccountId,
      accountIds: [fromAccountId, toAccountId],
      path: '/transfers',
      amount,
      ...(kind === 'transfer'
        ? { body, transfer: { type: 'TransferMoney', data: terms } }
        : {
            body: { ...body, pending: { timeoutSeconds: HOLD_TIMEOUT_SECONDS } },
            transfer: { type: 'PlacePendingTransfer', data: { ...terms, timeoutSeconds: HOLD_TIMEOUT_SECONDS } },
          }),
    };
  }

  /** A pending hold posted (whole or part) or voided; now and then a resolved one voided again. */
  private resolve(): Draft {
    const again = this.resolved.length > 0 && this.random.chance(RESOLVE_AGAIN_SHARE);
    const transferId = again ? this.random.pick(this.resolved) : this.random.pick(this.pending);
    const planned = this.transfers.get(transferId);
    if (planned === undefined || planned.state.status === 'NOT_CREATED') throw new Error(`hold ${transferId} was never placed`);
    const common = {
      accountId: planned.fromAccountId,
      accountIds: [planned.fromAccountId, planned.toAccountId],
    };
    const now = this.now();
    const roll = this.random.next();
    if (again || roll < 0.3) {
      return {
        ...common,
        kind: 'void',
        path: `/transfers/${transferId}/void`,
        body: {},
        amount: null,
        transfer: { type: 'VoidPendingTransfer', data: { transferId, now } },
      };
    }
    const held = Number(planned.state.amount);
    const amount = roll < 0.55 && held > 1 ? this.random.between(1, held - 1) : null;
    return {
      ...common,
      kind: 'post',
      path: `/transfers/${transferId}/post`,
      body: amount === null ? {} : { amount },
      amount: amount ?? held,
      transfer: { type: 'PostPendingTransfer', data: { transferId, amount: amount === null ? null : BigInt(amount), now } },
    };
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

  /** Folds the transfer command into the plan's transfer and both accounts; `ok` or the problem type it is refused with. */
  private applyTransfer(command: TransferCommand): string {
    const { transferId } = command.data;
    const planned = this.transfers.get(transferId);
    if (planned === undefined) throw new Error(`transfer ${transferId} is not in the plan`);
    const from = this.account(planned.fromAccountId);
    const to = this.account(planned.toAccountId);
    const decision = decideTransfer(command, planned.state, from.state, to.state);
    if (!decision.ok) return TRANSFER_PROBLEM_OF[decision.error.type];
    planned.state = decision.transfer.reduce(evolveTransfer, planned.state);
    from.state = decision.from.reduce((state: AccountState, event: AccountEvent) => evolve(state, event), from.state);
    to.state = decision.to.reduce((state: AccountState, event: AccountEvent) => evolve(state, event), to.state);
    if (planned.state.status === 'pending' && !this.pending.includes(transferId)) this.pending.push(transferId);
    if (planned.state.status !== 'pending' && this.pending.includes(transferId)) {
      this.pending.splice(this.pending.indexOf(transferId), 1);
      this.resolved.push(transferId);
    }
    return 'ok';
  }

  /** What the account may move: its balance less what its holds reserve. */
  private availableOf(accountId: string): bigint {
    const { state } = this.account(accountId);
    return state.status === 'NOT_OPENED' ? 0n : state.balance - state.reserved;
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
