import type { TransferCommandHandler, TransferCommandOutcome } from '@ledger/account-commands';
import type { ExpireHold, HoldExpiryOutcome } from './hold-expiry.sweep';

/** The transfer handler's expiry, as the sweep asks for it. */
export function expireThrough(transfers: Pick<TransferCommandHandler, 'expire'>): ExpireHold {
  return async (transferId, now) => holdExpiryOutcomeOf(await transfers.expire(transferId, now));
}

/**
 * What the handler's answer means for a due hold. Resolved meanwhile (posted, voided, already
 * expired) and not yet due by this clock are normal outcomes of racing the clients and the other
 * replicas' clocks; everything else is a failure, and the hold is tried again on the next sweep.
 */
export function holdExpiryOutcomeOf(outcome: TransferCommandOutcome): HoldExpiryOutcome {
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'expired' };
    // Expiry claims no key, so a replay means an earlier answer already settled the hold.
    case 'replayed':
      return { kind: 'already-resolved' };
    case 'rejected':
      return rejectionOutcome(outcome.error);
    case 'conflict':
      return { kind: 'failed', reason: `still conflicting after ${outcome.attempts} attempts` };
    case 'account-busy':
      return { kind: 'failed', reason: `too many commands waiting on account ${outcome.accountId}` };
    case 'idempotency-key-reused':
      return { kind: 'failed', reason: `idempotency key ${outcome.key} reused` };
    default: {
      const _exhaustive: never = outcome;
      throw new Error(`unhandled transfer outcome ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function rejectionOutcome(error: Extract<TransferCommandOutcome, { kind: 'rejected' }>['error']): HoldExpiryOutcome {
  if (error.type === 'TransferNotPending' || error.type === 'TransferNotFound') return { kind: 'already-resolved' };
  if (error.type === 'TransferNotExpired') return { kind: 'not-yet-due', expiresAt: error.expiresAt };
  return { kind: 'failed', reason: `refused: ${error.type}` };
}
