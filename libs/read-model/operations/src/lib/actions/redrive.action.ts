import { replayParked, type ParkedReplayOutcome } from '@ledger/read-model-projection';
import { canonicalAccountId, runOperatorAction, writerFor, type OperatorContext } from './operator-action';

export type RedriveOutcome = ParkedReplayOutcome;

/**
 * An operator's re-drive: the projection's replay of a parked account (`replayParked`: its dead
 * letter and held messages in version order, then unparked), in one transaction with its audit row.
 * Idempotent: an account that is not parked is left alone.
 */
export async function redrive(context: OperatorContext, givenAccountId: string): Promise<RedriveOutcome> {
  const accountId = canonicalAccountId(givenAccountId);
  return runOperatorAction(context, 'redrive', accountId, (client) => replayParked(client, writerFor(context), accountId));
}
