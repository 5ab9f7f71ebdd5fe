import { AccountError } from './account.errors';
import { AccountEvent } from './account.events';
import { TransferEvent } from './transfer.events';
import { TransferStatus } from './transfer.state';

/**
 * Why a transfer command is refused: a value, mapped to its problem type at the edge. The account
 * rules keep the account's shapes (`InsufficientFunds.balance` is the source's available balance, and
 * only the source's: the caller never learns the other party's balance).
 */
export type TransferError =
  | Extract<
      AccountError,
      { type: 'AccountNotFound' | 'InvalidAmount' | 'InvalidCommand' | 'InsufficientFunds' | 'AccountFrozen' | 'AccountClosed' }
    >
  | Readonly<{ type: 'TransferNotFound'; transferId: string }>
  /** The transfer id is taken: the edge answers `transfer-id-reused` (a replay of the same request is answered before deciding). */
  | Readonly<{ type: 'TransferIdReused'; transferId: string }>
  | Readonly<{ type: 'SameAccount'; accountId: string }>
  /** `accountId`'s currency is `currency`, not the transfer's `expected`. */
  | Readonly<{ type: 'CurrencyMismatch'; accountId: string; currency: string; expected: string }>
  | Readonly<{ type: 'TransferNotPending'; transferId: string; status: TransferStatus }>
  /** Post or void of a hold past its deadline, or already expired. */
  | Readonly<{ type: 'TransferExpired'; transferId: string; expiresAt: Date }>
  /** Expiry asked of a hold whose deadline has not come. */
  | Readonly<{ type: 'TransferNotExpired'; transferId: string; expiresAt: Date }>
  /** Post of more than the hold. */
  | Readonly<{ type: 'PostExceedsPending'; transferId: string; pending: bigint; requested: bigint }>
  /** The credit would take the destination beyond the largest balance; its balance is not told. */
  | Readonly<{ type: 'DestinationOverflow'; accountId: string; amount: bigint }>;

export type TransferErrorType = TransferError['type'];

/**
 * A transfer's answer: the events for each of the three streams, appended together or not at all
 * (`from` and `to` may be empty: a hold touches only the source), or why not.
 */
export type TransferDecision =
  | Readonly<{ ok: true; transfer: readonly TransferEvent[]; from: readonly AccountEvent[]; to: readonly AccountEvent[] }>
  | Readonly<{ ok: false; error: TransferError }>;
