import { AccountCommand, CloseAccount, DepositMoney, FreezeAccount, OpenAccount, UnfreezeAccount, WithdrawMoney } from './account.commands';
import { AccountError, Decision } from './account.errors';
import { AccountEvent } from './account.events';
import {
  FREEZE_REASON_MAX_LENGTH,
  MAX_MONEY_MINOR_UNITS,
  OWNER_ID_MAX_LENGTH,
  OWNER_MAX_LENGTH,
  codePointLength,
  copyDate,
  isCurrencyCode,
  isValidAmount,
  isValidDate,
  isValidInitialDeposit,
} from './account.limits';
import { AccountState, OpenedAccountState, availableBalance } from './account.state';
import { unhandled } from './unhandled';

/**
 * Decides a command against the current state: the new events, or the rule it breaks.
 * Pure: time comes from the command (`now`), ids from the caller.
 *
 * Order of checks: the command's own shape first (a malformed request is a client mistake whatever the
 * account's state), then existence, then the account's status, then balances.
 */
export function decide(command: AccountCommand, state: AccountState): Decision<AccountEvent> {
  const malformed = validateCommand(command);
  if (malformed !== null) return reject(malformed);

  if (command.type === 'OpenAccount') return openAccount(command, state);
  if (state.status === 'NOT_OPENED') {
    return reject({
      type: 'AccountNotFound',
      accountId: command.data.accountId,
    });
  }
  // A state folded from another stream means the caller wired the wrong account: refuse, change nothing.
  if (state.accountId !== command.data.accountId) {
    return reject({
      type: 'InvalidCommand',
      detail: `command is for account ${command.data.accountId} but the state is of account ${state.accountId}`,
    });
  }

  switch (command.type) {
    case 'DepositMoney':
      return depositMoney(command, state);
    case 'WithdrawMoney':
      return withdrawMoney(command, state);
    case 'FreezeAccount':
      return freezeAccount(command, state);
    case 'UnfreezeAccount':
      return unfreezeAccount(command, state);
    case 'CloseAccount':
      return closeAccount(command, state);
    default:
      return unhandled('command', command);
  }
}

function openAccount(command: OpenAccount, state: AccountState): Decision<AccountEvent> {
  const { accountId, owner, ownerId, currency, initialDeposit, now } = command.data;
  if (state.status !== 'NOT_OPENED') return reject({ type: 'AccountAlreadyExists', accountId });
  return accept({
    type: 'AccountOpened',
    data: {
      accountId,
      owner: owner.trim(),
      ownerId,
      currency,
      initialDeposit,
      balanceAfter: initialDeposit,
      openedAt: copyDate(now),
    },
  });
}

function depositMoney(command: DepositMoney, state: OpenedAccountState): Decision<AccountEvent> {
  const { accountId, amount, now } = command.data;
  const blocked = blockedByStatus(state);
  if (blocked !== null) return reject(blocked);
  const balanceAfter = state.balance + amount;
  if (balanceAfter > MAX_MONEY_MINOR_UNITS) {
    return reject({
      type: 'BalanceOverflow',
      accountId,
      balance: state.balance,
      amount,
    });
  }
  return accept({
    type: 'MoneyDeposited',
    data: { accountId, amount, balanceAfter, depositedAt: copyDate(now) },
  });
}

function withdrawMoney(command: WithdrawMoney, state: OpenedAccountState): Decision<AccountEvent> {
  const { accountId, amount, now } = command.data;
  const blocked = blockedByStatus(state);
  if (blocked !== null) return reject(blocked);
  // No overdraft, and no spending what pending holds reserve: the available balance never goes below zero.
  const available = availableBalance(state);
  if (amount > available) {
    return reject({
      type: 'InsufficientFunds',
      accountId,
      balance: available,
      requested: amount,
    });
  }
  return accept({
    type: 'MoneyWithdrawn',
    data: {
      accountId,
      amount,
      balanceAfter: state.balance - amount,
      withdrawnAt: copyDate(now),
    },
  });
}

function freezeAccount(command: FreezeAccount, state: OpenedAccountState): Decision<AccountEvent> {
  const { accountId, now } = command.data;
  const blocked = blockedByStatus(state);
  if (blocked !== null) return reject(blocked);
  return accept({
    type: 'AccountFrozen',
    data: {
      accountId,
      reason: normaliseReason(command.data.reason),
      frozenAt: copyDate(now),
    },
  });
}

function unfreezeAccount(command: UnfreezeAccount, state: OpenedAccountState): Decision<AccountEvent> {
  const { accountId, now } = command.data;
  switch (state.status) {
    case 'CLOSED':
      return reject({ type: 'AccountClosed', accountId });
    case 'ACTIVE':
      return reject({ type: 'AccountNotFrozen', accountId });
    case 'FROZEN':
      return accept({
        type: 'AccountUnfrozen',
        data: { accountId, unfrozenAt: copyDate(now) },
      });
    default:
      return unhandled('account status', state.status);
  }
}

function closeAccount(command: CloseAccount, state: OpenedAccountState): Decision<AccountEvent> {
  const { accountId, now } = command.data;
  if (state.status === 'CLOSED') return reject({ type: 'AccountClosed', accountId });
  // Checked before the balance (which a hold keeps above zero): a pending hold must be posted, voided
  // or expire first, and the caller should be told so rather than to empty the account.
  if (state.reserved !== 0n) return reject({ type: 'PendingHolds', accountId, balance: state.balance, reserved: state.reserved });
  if (state.balance !== 0n)
    return reject({
      type: 'BalanceNotZero',
      accountId,
      balance: state.balance,
    });
  // A frozen account with a zero balance may be closed: freezing stops the customer's money moving,
  // while closing is the bank's own act, and nothing moves when the balance is zero.
  return accept({
    type: 'AccountClosed',
    data: { accountId, closedAt: copyDate(now) },
  });
}

/** Money moves and freezes are refused on a closed or frozen account. */
export function blockedByStatus(state: OpenedAccountState): Extract<AccountError, { type: 'AccountClosed' | 'AccountFrozen' }> | null {
  switch (state.status) {
    case 'CLOSED':
      return { type: 'AccountClosed', accountId: state.accountId };
    case 'FROZEN':
      return { type: 'AccountFrozen', accountId: state.accountId };
    case 'ACTIVE':
      return null;
    default:
      return unhandled('account status', state.status);
  }
}

/**
 * The edge validates too; the domain still refuses a malformed command, because it is the last line
 * before an event becomes a permanent fact.
 */
export function validateCommand(command: AccountCommand): AccountError | null {
  const { accountId, now } = command.data;
  if (typeof accountId !== 'string' || accountId.length === 0) {
    return {
      type: 'InvalidCommand',
      detail: 'accountId must be a non-empty string',
    };
  }
  if (!isValidDate(now)) return { type: 'InvalidCommand', detail: 'now must be a valid Date' };

  switch (command.type) {
    case 'OpenAccount':
      return validateOpen(command);
    case 'DepositMoney':
    case 'WithdrawMoney':
      return isValidAmount(command.data.amount)
        ? null
        : {
            type: 'InvalidAmount',
            detail: `amount must be an integer from 1 to ${MAX_MONEY_MINOR_UNITS} minor units`,
          };
    case 'FreezeAccount':
      return validateReason(command.data.reason);
    case 'UnfreezeAccount':
    case 'CloseAccount':
      return null;
    default:
      return unhandled('command', command);
  }
}

function validateOpen(command: OpenAccount): AccountError | null {
  const { owner, ownerId, currency, initialDeposit } = command.data;
  if (typeof owner !== 'string') return { type: 'InvalidCommand', detail: 'owner must be a string' };
  if (typeof ownerId !== 'string' || ownerId.length === 0 || ownerId.length > OWNER_ID_MAX_LENGTH) {
    return { type: 'InvalidCommand', detail: `ownerId must be 1 to ${OWNER_ID_MAX_LENGTH} characters` };
  }
  const ownerLength = codePointLength(owner.trim());
  if (ownerLength < 1 || ownerLength > OWNER_MAX_LENGTH) {
    return {
      type: 'InvalidCommand',
      detail: `owner must be 1 to ${OWNER_MAX_LENGTH} characters after trimming`,
    };
  }
  if (!isCurrencyCode(currency)) {
    return {
      type: 'InvalidCommand',
      detail: 'currency must be an ISO 4217 code: three upper-case letters',
    };
  }
  if (!isValidInitialDeposit(initialDeposit)) {
    return {
      type: 'InvalidAmount',
      detail: `initialDeposit must be an integer from 0 to ${MAX_MONEY_MINOR_UNITS} minor units`,
    };
  }
  return null;
}

function validateReason(reason: unknown): AccountError | null {
  if (reason === null || reason === undefined) return null;
  if (typeof reason !== 'string')
    return {
      type: 'InvalidCommand',
      detail: 'reason must be a string or null',
    };
  if (codePointLength(reason.trim()) > FREEZE_REASON_MAX_LENGTH) {
    return {
      type: 'InvalidCommand',
      detail: `reason must be at most ${FREEZE_REASON_MAX_LENGTH} characters`,
    };
  }
  return null;
}

/** A blank reason says nothing, so it is recorded as no reason. */
function normaliseReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? '';
  return trimmed.length === 0 ? null : trimmed;
}

function accept(...events: AccountEvent[]): Decision<AccountEvent> {
  return { ok: true, events };
}

function reject(error: AccountError): Decision<AccountEvent> {
  return { ok: false, error };
}
