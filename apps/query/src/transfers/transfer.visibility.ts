import { isOperator, type Caller } from '@ledger/auth';
import type { TransferRecord } from './transfer.reader';

/**
 * Operators see every transfer; anyone else the transfers from or to an account its subject owns.
 * Anything else reads exactly as a missing transfer, so ids cannot be probed.
 */
export function canSeeTransfer(caller: Caller, transfer: Pick<TransferRecord, 'fromOwnerId' | 'toOwnerId'>): boolean {
  if (isOperator(caller)) return true;
  return [transfer.fromOwnerId, transfer.toOwnerId].some((ownerId) => ownerId !== null && ownerId === caller.subject);
}
