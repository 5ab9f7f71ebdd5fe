import { AccountEvent } from './account.events';
import { blockedByStatus } from './account.decide';
import { MAX_MONEY_MINOR_UNITS, codePointLength, copyDate, isCurrencyCode, isValidAmount, isValidDate } from './account.limits';
import { AccountState, OpenedAccountState, availableBalance } from './account.state';
import {
  ExpirePendingTransfer,
  PENDING_TIMEOUT_MAX_SECONDS,
  PlacePendingTransfer,
  PostPendingTransfer,
  TRANSFER_REFERENCE_MAX_LENGTH,
  TransferCommand,
  TransferMoney,
  VoidPendingTransfer,
} from './transfer.commands';
import { TransferDecision, TransferError } from './transfer.errors';
import { TransferEvent } from './transfer.events';
import { CreatedTransferState, TransferState } from './transfer.state';
import { unhandled } from './unhandled';

/**
 * Decides a transfer command against the transfer's state and both accounts' states: the events of
 * each stream, or the rule it breaks. Pure: time comes from the command, ids from the caller.
 *
 * The caller loads the accounts the command names (a new transfer) or the transfer names (post, void,
 * expire); a state of another account is a wiring mistake, refused as `InvalidCommand`. Void and expire
 * do not touch the destination, so its state is not looked at for them.
 *
 * Order of checks: the command's shape, the transfer (taken, missing, not pending, expired), then for
 * a new transfer the accounts' existence, their status, the currencies, and the source's available
 * balance; for a post, the accounts' status and the posted amount.
 */
export function decideTransfer(command: TransferCommand, transfer: TransferState, from: AccountState, to: AccountState): TransferDecision {
  const malformed = validateTransferCommand(command);
  if (malformed !== null) return reject(malformed);

  switch (command.type) {
    case 'TransferMoney':
    case 'PlacePendingTransfer':
      return newTransfer(command, transfer, from, to);
    case 'PostPendingTransfer':
      return postPendingTransfer(command, transfer, from, to);
    case 'VoidPendingTransfer':
    case 'ExpirePendingTransfer':
      return releaseHold(command, transfer, from);
    default:
      return unhandled('command', command);
  }
}

function newTransfer(
  command: TransferMoney | PlacePendingTransfer,
  transfer: TransferState,
  from: AccountState,
  to: AccountState,
): TransferDecision {
  const { transferId, fromAccountId, toAccountId, amount, currency, reference, now } = command.data;
  if (transfer.status !== 'NOT_CREATED') return reject({ type: 'TransferIdReused', transferId });
  if (fromAccountId === toAccountId) return reject({ type: 'SameAccount', accountId: fromAccountId });
  const parties = partiesOf(from, fromAccountId, to, toAccountId);
  if (!parties.ok) return reject(parties.error);
  const { source, destination } = parties;

  const blocked = sourceBlocked(source) ?? destinationBlocked(destination);
  if (blocked !== null) return reject(blocked);
  for (const account of [source, destination]) {
    if (account.currency !== currency) {
      return reject({ type: 'CurrencyMismatch', accountId: account.accountId, currency: account.currency, expected: currency });
    }
  }
  const available = availableBalance(source);
  if (amount > available) {
    return reject({ type: 'InsufficientFunds', accountId: fromAccountId, balance: available, requested: amount });
  }
  // Checked for a hold too: a hold that could never be posted whole should not be placed.
  const overflow = creditOverflow(destination, amount);
  if (overflow !== null) return reject(overflow);

  const at = copyDate(now);
  const leg = { transferId, amount };
  if (command.type === 'TransferMoney') {
    return accept(
      [{ type: 'TransferCompleted', data: { transferId, fromAccountId, toAccountId, amount, currency, reference, completedAt: at } }],
      [
        {
          type: 'TransferDebited',
          data: {
            ...leg,
            ...sideOf(source, toAccountId),
            balanceAfter: source.balance - amount,
            reservedAfter: source.reserved,
            debitedAt: at,
          },
        },
      ],
      [
        {
          type: 'TransferCredited',
          data: {
            ...leg,
            ...sideOf(destination, fromAccountId),
            balanceAfter: destination.balance + amount,
            reservedAfter: destination.reserved,
            creditedAt: at,
          },
        },
      ],
    );
  }
  const { timeoutSeconds } = command.data;
  const expiresAt = new Date(now.getTime() + timeoutSeconds * 1000);
  return accept(
    [
      {
        type: 'PendingTransferPlaced',
        data: { transferId, fromAccountId, toAccountId, amount, currency, reference, timeoutSeconds, expiresAt, placedAt: at },
      },
    ],
    [
      {
        type: 'HoldPlaced',
        data: {
          ...leg,
          ...sideOf(source, toAccountId),
          balanceAfter: source.balance,
          reservedAfter: source.reserved + amount,
          expiresAt: copyDate(expiresAt),
          placedAt: at,
        },
      },
    ],
    [],
  );
}

function postPendingTransfer(
  command: PostPendingTransfer,
  transfer: TransferState,
  from: AccountState,
  to: AccountState,
): TransferDecision {
  const { transferId, now } = command.data;
  const pending = pendingHold(transfer, transferId, now);
  if (!pending.ok) return reject(pending.error);
  const hold = pending.transfer;
  const parties = partiesOf(from, hold.fromAccountId, to, hold.toAccountId);
  if (!parties.ok) return reject(parties.error);
  const { source, destination } = parties;

  const blocked = sourceBlocked(source) ?? destinationBlocked(destination);
  if (blocked !== null) return reject(blocked);
  const amount = command.data.amount ?? hold.amount;
  if (amount > hold.amount) return reject({ type: 'PostExceedsPending', transferId, pending: hold.amount, requested: amount });
  const unreserved = unreserve(source, hold);
  if (unreserved !== null) return reject(unreserved);
  const overflow = creditOverflow(destination, amount);
  if (overflow !== null) return reject(overflow);

  const at = copyDate(now);
  return accept(
    [{ type: 'PendingTransferPosted', data: { transferId, amount, releasedAmount: hold.amount - amount, postedAt: at } }],
    [
      {
        type: 'HoldPosted',
        data: {
          transferId,
          amount,
          ...sideOf(source, hold.toAccountId),
          balanceAfter: source.balance - amount,
          reservedAfter: source.reserved - hold.amount,
          heldAmount: hold.amount,
          postedAt: at,
        },
      },
    ],
    [
      {
        type: 'TransferCredited',
        data: {
          transferId,
          amount,
          ...sideOf(destination, hold.fromAccountId),
          balanceAfter: destination.balance + amount,
          reservedAfter: destination.reserved,
          creditedAt: at,
        },
      },
    ],
  );
}

/**
 * Void and expiry release the whole hold and move nothing, so no account status refuses them: a frozen
 * source gets its reservation back like any other.
 */
function releaseHold(command: VoidPendingTransfer | ExpirePendingTransfer, transfer: TransferState, from: AccountState): TransferDecision {
  const { transferId, now } = command.data;
  let hold: CreatedTransferState;
  if (command.type === 'VoidPendingTransfer') {
    const pending = pendingHold(transfer, transferId, now);
    if (!pending.ok) return reject(pending.error);
    hold = pending.transfer;
  } else {
    if (transfer.status === 'NOT_CREATED') return reject({ type: 'TransferNotFound', transferId });
    if (transfer.status !== 'pending' || transfer.expiresAt === null) {
      return reject({ type: 'TransferNotPending', transferId, status: transfer.status });
    }
    if (now.getTime() < transfer.expiresAt.getTime())
      return reject({ type: 'TransferNotExpired', transferId, expiresAt: transfer.expiresAt });
    hold = transfer;
  }
  if (from.status === 'NOT_OPENED' || from.accountId !== hold.fromAccountId) return reject(wrongState('source', hold.fromAccountId, from));
  const unreserved = unreserve(from, hold);
  if (unreserved !== null) return reject(unreserved);

  const at = copyDate(now);
  const voided = command.type === 'VoidPendingTransfer';
  const transferEvent: TransferEvent = voided
    ? { type: 'PendingTransferVoided', data: { transferId, amount: hold.amount, voidedAt: at } }
    : { type: 'PendingTransferExpired', data: { transferId, amount: hold.amount, expiredAt: at } };
  return accept(
    [transferEvent],
    [
      {
        type: 'HoldReleased',
        data: {
          transferId,
          amount: hold.amount,
          ...sideOf(from, hold.toAccountId),
          balanceAfter: from.balance,
          reservedAfter: from.reserved - hold.amount,
          reason: voided ? 'VOIDED' : 'EXPIRED',
          releasedAt: at,
        },
      },
    ],
    [],
  );
}

/**
 * A hold that may still be posted or voided: pending and before its deadline. At or past the deadline it
 * is expired whether or not the expiry worker has run yet, so the outcome never depends on its timing.
 */
function pendingHold(
  transfer: TransferState,
  transferId: string,
  now: Date,
): Readonly<{ ok: true; transfer: CreatedTransferState }> | Readonly<{ ok: false; error: TransferError }> {
  if (transfer.status === 'NOT_CREATED') return { ok: false, error: { type: 'TransferNotFound', transferId } };
  if (transfer.status === 'expired' && transfer.expiresAt !== null) {
    return { ok: false, error: { type: 'TransferExpired', transferId, expiresAt: transfer.expiresAt } };
  }
  if (transfer.status !== 'pending' || transfer.expiresAt === null) {
    return { ok: false, error: { type: 'TransferNotPending', transferId, status: transfer.status } };
  }
  if (now.getTime() >= transfer.expiresAt.getTime()) {
    return { ok: false, error: { type: 'TransferExpired', transferId, expiresAt: transfer.expiresAt } };
  }
  return { ok: true, transfer };
}

type Parties =
  | Readonly<{ ok: true; source: OpenedAccountState; destination: OpenedAccountState }>
  | Readonly<{ ok: false; error: TransferError }>;

function partiesOf(from: AccountState, fromAccountId: string, to: AccountState, toAccountId: string): Parties {
  if (from.status === 'NOT_OPENED') return { ok: false, error: { type: 'AccountNotFound', accountId: fromAccountId } };
  if (to.status === 'NOT_OPENED') return { ok: false, error: { type: 'AccountNotFound', accountId: toAccountId } };
  if (from.accountId !== fromAccountId) return { ok: false, error: wrongState('source', fromAccountId, from) };
  if (to.accountId !== toAccountId) return { ok: false, error: wrongState('destination', toAccountId, to) };
  return { ok: true, source: from, destination: to };
}

function wrongState(side: 'source' | 'destination', accountId: string, state: AccountState): TransferError {
  const actual = state.status === 'NOT_OPENED' ? 'an account not opened' : `account ${state.accountId}`;
  return { type: 'InvalidCommand', detail: `the ${side} is account ${accountId} but the state is of ${actual}` };
}

/** Money leaves only an active source: a frozen or closed one is refused, as for a withdrawal. */
function sourceBlocked(source: OpenedAccountState): TransferError | null {
  return blockedByStatus(source);
}

/**
 * A closed destination is refused; a frozen one still receives. The API names `account-closed` for
 * either side, and freezing stops the owner's money leaving, not others' money arriving.
 */
function destinationBlocked(destination: OpenedAccountState): TransferError | null {
  return destination.status === 'CLOSED' ? { type: 'AccountClosed', accountId: destination.accountId } : null;
}

function creditOverflow(destination: OpenedAccountState, amount: bigint): TransferError | null {
  return destination.balance + amount > MAX_MONEY_MINOR_UNITS
    ? { type: 'DestinationOverflow', accountId: destination.accountId, amount }
    : null;
}

/** The source must still reserve the hold; if not, its stream and the transfer's disagree, and nothing is decided. */
function unreserve(source: OpenedAccountState, hold: CreatedTransferState): TransferError | null {
  if (source.reserved >= hold.amount && source.balance >= hold.amount) return null;
  return {
    type: 'InvalidCommand',
    detail: `account ${source.accountId} reserves ${source.reserved}, less than the hold of transfer ${hold.transferId} (${hold.amount})`,
  };
}

function sideOf(account: OpenedAccountState, counterpartyAccountId: string) {
  return { accountId: account.accountId, counterpartyAccountId };
}

/**
 * The edge validates too; the domain still refuses a malformed command, because it is the last line
 * before an event becomes a permanent fact.
 */
export function validateTransferCommand(command: TransferCommand): TransferError | null {
  const { transferId, now } = command.data;
  if (typeof transferId !== 'string' || transferId.length === 0) {
    return { type: 'InvalidCommand', detail: 'transferId must be a non-empty string' };
  }
  if (!isValidDate(now)) return { type: 'InvalidCommand', detail: 'now must be a valid Date' };
  switch (command.type) {
    case 'TransferMoney':
      return validateNewTransfer(command);
    case 'PlacePendingTransfer': {
      const { timeoutSeconds } = command.data;
      if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > PENDING_TIMEOUT_MAX_SECONDS) {
        return { type: 'InvalidCommand', detail: `timeoutSeconds must be an integer from 1 to ${PENDING_TIMEOUT_MAX_SECONDS}` };
      }
      return validateNewTransfer(command);
    }
    case 'PostPendingTransfer':
      return command.data.amount === null || isValidAmount(command.data.amount) ? null : invalidAmount();
    case 'VoidPendingTransfer':
    case 'ExpirePendingTransfer':
      return null;
    default:
      return unhandled('command', command);
  }
}

function validateNewTransfer(command: TransferMoney | PlacePendingTransfer): TransferError | null {
  const { fromAccountId, toAccountId, amount, currency, reference } = command.data;
  for (const [name, id] of [
    ['fromAccountId', fromAccountId],
    ['toAccountId', toAccountId],
  ] as const) {
    if (typeof id !== 'string' || id.length === 0) return { type: 'InvalidCommand', detail: `${name} must be a non-empty string` };
  }
  if (!isValidAmount(amount)) return invalidAmount();
  if (!isCurrencyCode(currency)) return { type: 'InvalidCommand', detail: 'currency must be an ISO 4217 code: three upper-case letters' };
  if (reference !== null && (typeof reference !== 'string' || codePointLength(reference) > TRANSFER_REFERENCE_MAX_LENGTH)) {
    return { type: 'InvalidCommand', detail: `reference must be null or a string of at most ${TRANSFER_REFERENCE_MAX_LENGTH} characters` };
  }
  return null;
}

function invalidAmount(): TransferError {
  return { type: 'InvalidAmount', detail: `amount must be an integer from 1 to ${MAX_MONEY_MINOR_UNITS} minor units` };
}

function accept(transfer: TransferEvent[], from: AccountEvent[], to: AccountEvent[]): TransferDecision {
  return { ok: true, transfer, from, to };
}

function reject(error: TransferError): TransferDecision {
  return { ok: false, error };
}
