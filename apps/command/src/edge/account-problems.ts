import { AccountError } from '@ledger/domain';
import { problem, ProblemException, sharedProblem } from '@ledger/platform';

/** Domain errors become HTTP problems here and nowhere else. Each kind has its own stable `type`. */
export function accountProblem(error: AccountError): ProblemException {
  switch (error.type) {
    case 'AccountNotFound':
      return problem(404, 'account-not-found', 'Account not found', `Account ${error.accountId} does not exist.`);
    case 'AccountAlreadyExists':
      return problem(409, 'account-already-exists', 'Account already exists', `Account ${error.accountId} already exists.`);
    case 'InvalidAmount':
      return problem(400, 'invalid-amount', 'Invalid amount', error.detail);
    case 'InvalidCommand':
      return sharedProblem('validation', error.detail);
    case 'InsufficientFunds':
      return problem(409, 'insufficient-funds', 'Insufficient funds', 'The balance does not cover the withdrawal.', {
        balance: Number(error.balance),
        requested: Number(error.requested),
      });
    case 'AccountFrozen':
      return problem(409, 'account-frozen', 'Account frozen', `Account ${error.accountId} is frozen.`);
    case 'AccountNotFrozen':
      return problem(409, 'account-not-frozen', 'Account not frozen', `Account ${error.accountId} is not frozen.`);
    case 'AccountClosed':
      return problem(409, 'account-closed', 'Account closed', `Account ${error.accountId} is closed.`);
    case 'BalanceNotZero':
      return problem(409, 'balance-not-zero', 'Balance not zero', 'Only an account with a zero balance can be closed.', {
        balance: Number(error.balance),
      });
    case 'BalanceOverflow':
      return problem(
        409,
        'balance-overflow',
        'Balance overflow',
        'The deposit would take the balance beyond the largest amount supported.',
        {
          balance: Number(error.balance),
        },
      );
    default: {
      const _exhaustive: never = error;
      throw new Error(`unmapped account error ${JSON.stringify(_exhaustive)}`);
    }
  }
}

export const versionMismatch = (expected: number, actual: number): ProblemException =>
  problem(412, 'version-mismatch', 'Version mismatch', `If-Match expected version ${expected}, the account is at ${actual}.`, {
    currentVersion: actual,
  });

export const concurrencyConflict = (): ProblemException =>
  problem(409, 'concurrency-conflict', 'Concurrent modification', 'The account kept changing while this command ran; retry it.');

export const idempotencyKeyReused = (): ProblemException =>
  problem(422, 'idempotency-key-reused', 'Idempotency key reused', 'This Idempotency-Key was used with a different request.');

/** 503 rather than 429: the account is hot in this replica, whoever sends; the filter adds Retry-After. */
export const accountBusy = (accountId: string): ProblemException =>
  sharedProblem('unavailable', `Too many commands on account ${accountId} are waiting in this replica; retry after Retry-After seconds.`);
