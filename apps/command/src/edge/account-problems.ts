import { AccountError } from '@ledger/domain';
import { problem, ProblemException, sharedProblem } from '@ledger/platform';
import { COMMAND_PROBLEMS, type CommandProblemSlug } from './command-problems';

/** A command problem with its catalogued status and title, and the detail of this occurrence. */
export function commandProblem(slug: CommandProblemSlug, detail: string, extensions: Record<string, unknown> = {}): ProblemException {
  const { status, title } = COMMAND_PROBLEMS[slug];
  return problem(status, slug, title, detail, extensions);
}

/** Domain errors become HTTP problems here and nowhere else. Each kind has its own stable `type`. */
export function accountProblem(error: AccountError): ProblemException {
  switch (error.type) {
    case 'AccountNotFound':
      return commandProblem('account-not-found', `Account ${error.accountId} does not exist.`);
    case 'AccountAlreadyExists':
      return commandProblem('account-already-exists', `Account ${error.accountId} already exists.`);
    case 'InvalidAmount':
      return commandProblem('invalid-amount', error.detail);
    case 'InvalidCommand':
      return commandProblem('validation', error.detail);
    case 'InsufficientFunds':
      return commandProblem('insufficient-funds', 'The balance does not cover the withdrawal.', {
        balance: Number(error.balance),
        requested: Number(error.requested),
      });
    case 'AccountFrozen':
      return commandProblem('account-frozen', `Account ${error.accountId} is frozen.`);
    case 'AccountNotFrozen':
      return commandProblem('account-not-frozen', `Account ${error.accountId} is not frozen.`);
    case 'AccountClosed':
      return commandProblem('account-closed', `Account ${error.accountId} is closed.`);
    case 'BalanceNotZero':
      return commandProblem('balance-not-zero', 'Only an account with a zero balance can be closed.', {
        balance: Number(error.balance),
      });
    // The API names no problem of its own for this: an account with a pending hold has a balance, and
    // the balance-not-zero problem says why it cannot close.
    case 'PendingHolds':
      return commandProblem(
        'balance-not-zero',
        'Pending holds reserve part of the balance; post, void or let them expire before closing.',
        {
          balance: Number(error.balance),
          reserved: Number(error.reserved),
        },
      );
    case 'BalanceOverflow':
      return commandProblem('balance-overflow', 'The deposit would take the balance beyond the largest amount supported.', {
        balance: Number(error.balance),
      });
    default: {
      const _exhaustive: never = error;
      throw new Error(`unmapped account error ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export const versionMismatch = (expected: number, actual: number): ProblemException =>
  commandProblem('version-mismatch', `If-Match expected version ${expected}, the account is at ${actual}.`, {
    currentVersion: actual,
  });

export const concurrencyConflict = (): ProblemException =>
  commandProblem('concurrency-conflict', 'The account kept changing while this command ran; retry it.');

export const idempotencyKeyReused = (): ProblemException =>
  commandProblem('idempotency-key-reused', 'This Idempotency-Key was used with a different request.');

/** 503 rather than 429: the account is hot in this replica, whoever sends; the filter adds Retry-After. */
export const accountBusy = (accountId: string): ProblemException =>
  sharedProblem('unavailable', `Too many commands on account ${accountId} are waiting in this replica; retry after Retry-After seconds.`);
