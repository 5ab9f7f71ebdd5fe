import { isUuid } from '@ledger/primitives';
import {
  replayParked,
  replayParkedTransfer,
  type ParkedReplayOutcome,
  type ParkedTransferReplayOutcome,
} from '@ledger/read-model-projection';
import { canonicalAccountId, runOperatorAction, writerFor, type OperatorContext } from './operator-action';

export type RedriveOutcome = ParkedReplayOutcome;
export type TransferRedriveOutcome = ParkedTransferReplayOutcome;

/**
 * An operator's re-drive: the projection's replay of a parked account (`replayParked`: its dead
 * letter and held messages in version order, then unparked), in one transaction with its audit row.
 * Idempotent: an account that is not parked is left alone.
 */
export async function redrive(context: OperatorContext, givenAccountId: string): Promise<RedriveOutcome> {
  const accountId = canonicalAccountId(givenAccountId);
  return runOperatorAction(context, 'redrive', accountId, (client) => replayParked(client, writerFor(context), accountId));
}

/**
 * The same for a transfer's own stream, parked on its own (`replayParkedTransfer`); recorded against
 * `transfer-<id>`, since a transfer's id may equal an account's.
 */
export async function redriveTransfer(context: OperatorContext, givenTransferId: string): Promise<TransferRedriveOutcome> {
  const transferId = canonicalTransferId(givenTransferId);
  return runOperatorAction(context, 'redrive', `transfer-${transferId}`, (client) =>
    replayParkedTransfer(client, writerFor(context), transferId),
  );
}

/** The transfer id as the projection writes it (lower case); throws a RangeError for anything but a UUID. */
export function canonicalTransferId(value: string): string {
  if (!isUuid(value)) throw new RangeError(`transfer id must be a UUID, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}
