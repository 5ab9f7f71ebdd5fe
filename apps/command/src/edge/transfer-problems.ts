import { TransferError } from '@ledger/domain';
import { ProblemException } from '@ledger/platform';
import { accountProblem, commandProblem } from './account-problems';

/**
 * A transfer command's refusal as its HTTP problem: here and nowhere else. The account rules keep the
 * account's problem types; only the source's available balance is ever told.
 */
export function transferProblem(error: TransferError): ProblemException {
  switch (error.type) {
    case 'AccountNotFound':
    case 'InvalidAmount':
    case 'InvalidCommand':
    case 'AccountFrozen':
    case 'AccountClosed':
      return accountProblem(error);
    case 'InsufficientFunds':
      return commandProblem('insufficient-funds', 'The available balance does not cover the transfer.', {
        balance: Number(error.balance),
        requested: Number(error.requested),
      });
    case 'TransferNotFound':
      return commandProblem('transfer-not-found', `Transfer ${error.transferId} does not exist.`);
    case 'TransferIdReused':
      return commandProblem('transfer-id-reused', `Transfer ${error.transferId} exists already with other terms or from another caller.`);
    case 'SameAccount':
      return commandProblem('same-account', `Account ${error.accountId} cannot transfer to itself.`);
    case 'CurrencyMismatch':
      return commandProblem('currency-mismatch', `Account ${error.accountId} holds ${error.currency}, not ${error.expected}.`);
    case 'TransferNotPending':
      return commandProblem('transfer-not-pending', `Transfer ${error.transferId} is ${error.status}, not pending.`);
    case 'TransferExpired':
      return commandProblem('transfer-expired', `Transfer ${error.transferId} expired at ${error.expiresAt.toISOString()}.`, {
        expiresAt: error.expiresAt.toISOString(),
      });
    case 'PostExceedsPending':
      return commandProblem('post-exceeds-pending', `Transfer ${error.transferId} holds ${error.pending}, less than ${error.requested}.`, {
        pending: Number(error.pending),
        requested: Number(error.requested),
      });
    // The destination's balance is not the caller's to learn: only that the credit does not fit.
    case 'DestinationOverflow':
      return commandProblem('balance-overflow', `The transfer would take account ${error.accountId} beyond the largest balance supported.`);
    // Only the expiry worker expires holds, and it reads this refusal as a value; no route answers with it.
    case 'TransferNotExpired':
      throw new Error(`transfer ${error.transferId}: an expiry before the deadline reached the HTTP edge`);
    default: {
      const _exhaustive: never = error;
      throw new Error(`unmapped transfer error ${JSON.stringify(_exhaustive)}`);
    }
  }
}
