import { first, required } from '@ledger/platform';
import type { ClientBase } from 'pg';
import { rawFromRow, type StoredMessageRow } from '../projection/message-rows';
import type { ProjectionInput, RawMessage } from '../projection/projection-input';
import type { ProjectionWriter } from '../projection/projection.writer';
import { ACCOUNT_STANDING, DELETE_HELD_MESSAGES, REPARK_ACCOUNT, SELECT_HELD_MESSAGES, UNPARK_ACCOUNT } from './operations.sql';

/** Where an account stands after an action: its read-model version and, if still parked, behind what. */
export interface AccountStanding {
  /** 0 when the read model has no row for it. */
  readonly version: number;
  readonly parkedBehind: { readonly deadLetterId: string; readonly reason: string } | null;
}

export interface ReplayResult extends AccountStanding {
  readonly applied: number;
  readonly duplicates: number;
  /** Messages held again because the replay parked the account once more. */
  readonly held: number;
}

export async function heldMessages(client: ClientBase, accountId: string): Promise<RawMessage[]> {
  const { rows } = await client.query<StoredMessageRow>(SELECT_HELD_MESSAGES, [accountId]);
  return rows.map(rawFromRow);
}

/**
 * Applies `inputs` to an account as if it were not parked, with the projector's own planning and
 * writing, then settles its parked row. The caller holds the parked row (if any) FOR UPDATE.
 *
 * The held messages are deleted and, should the replay park the account again, held anew in order
 * behind the new dead letter. The parked row itself is updated in place, never deleted and
 * re-inserted: a projector batch waiting on that row's FOR SHARE lock then sees it, still parked, and
 * holds its events behind it; a re-inserted row would be invisible to that batch's statement, which
 * would then dead-letter its events one by one as gaps instead of holding them.
 */
export async function applyAsUnparked(
  client: ClientBase,
  writer: ProjectionWriter,
  accountId: string,
  inputs: readonly ProjectionInput[],
): Promise<ReplayResult> {
  await client.query(DELETE_HELD_MESSAGES, [accountId]);
  const plan = await writer.planLocked(client, inputs, 1, true);
  const deadLetterIds = await writer.write(client, plan);
  const park = plan.parks.find((p) => p.accountId === accountId);
  if (park === undefined) {
    await client.query(UNPARK_ACCOUNT, [accountId]);
  } else {
    const deadLetterId = required(deadLetterIds[park.deadLetterIndex], 'the dead letter that parks the account');
    await client.query(REPARK_ACCOUNT, [accountId, deadLetterId, park.reason]);
  }
  const outcome = await writer.finish(client, plan);
  return {
    applied: outcome.applied,
    duplicates: outcome.duplicates,
    held: plan.held.filter((h) => h.accountId === accountId).length,
    ...(await accountStanding(client, accountId)),
  };
}

export async function accountStanding(client: ClientBase, accountId: string): Promise<AccountStanding> {
  const { rows } = await client.query<{ version: string | null; dead_letter_id: string | null; reason: string | null }>(ACCOUNT_STANDING, [
    accountId,
  ]);
  const row = first(rows, `the standing of account ${accountId}`);
  return {
    version: row.version === null ? 0 : Number(row.version),
    parkedBehind: row.dead_letter_id === null ? null : { deadLetterId: row.dead_letter_id, reason: row.reason ?? '' },
  };
}
