import { TransferEvent } from './transfer.events';
import { TransferState, TransferStatus } from './transfer.state';
import { unhandled } from './unhandled';

/**
 * Applies one fact of the transfer's stream. Total, like the account's `evolve`: it never throws and
 * never re-checks rules; an event that cannot attach (a post before the placing) leaves the state as it is.
 */
export function evolveTransfer(state: TransferState, event: TransferEvent): TransferState {
  switch (event.type) {
    case 'TransferCompleted': {
      const { transferId, fromAccountId, toAccountId, amount, currency, reference, completedAt } = event.data;
      return {
        status: 'completed',
        transferId,
        fromAccountId,
        toAccountId,
        amount,
        postedAmount: amount,
        currency,
        reference,
        expiresAt: null,
        createdAt: completedAt,
        updatedAt: completedAt,
      };
    }
    case 'PendingTransferPlaced': {
      const { transferId, fromAccountId, toAccountId, amount, currency, reference, expiresAt, placedAt } = event.data;
      return {
        status: 'pending',
        transferId,
        fromAccountId,
        toAccountId,
        amount,
        postedAmount: 0n,
        currency,
        reference,
        expiresAt,
        createdAt: placedAt,
        updatedAt: placedAt,
      };
    }
    case 'PendingTransferPosted':
      if (state.status === 'NOT_CREATED') return state;
      return { ...state, status: 'posted', postedAmount: event.data.amount, updatedAt: event.data.postedAt };
    case 'PendingTransferVoided':
      return resolved(state, 'voided', event.data.voidedAt);
    case 'PendingTransferExpired':
      return resolved(state, 'expired', event.data.expiredAt);
    default:
      return unhandled('event', event);
  }
}

function resolved(state: TransferState, status: TransferStatus, at: Date): TransferState {
  if (state.status === 'NOT_CREATED') return state;
  return { ...state, status, updatedAt: at };
}
