import { first, required } from '@ledger/platform';
import { rawFromRow, type RawMessage, type StoredMessageRow } from '@ledger/read-model-schema';
import type { ClientBase, Pool } from 'pg';
import { decodeForProjection, type ProjectionInput } from '../plan/projection-input';
import { announceChanges } from '../announce/change.announcer';
import type { ProjectionWriter } from '../writer/projection.writer';
import { LOCK_PARKED_UPDATE } from '../writer/projection.sql';
import {
  ACCOUNT_STANDING,
  DELETE_HELD_MESSAGES,
  REPARK_ACCOUNT,
  RESOLVE_DEAD_LETTER,
  SELECT_DEAD_LETTER_MESSAGE,
  SELECT_HELD_MESSAGES,
  UNPARK_ACCOUNT,
} from './parking.sql';

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

export type ParkedReplayOutcome =
  | { readonly kind: 'not-parked'; readonly accountId: string }
  /** The dead letter and every held message went through; the account is no longer parked. */
  | ({ readonly kind: 'redriven'; readonly accountId: string; readonly deadLetterId: string } & ReplayResult)
  /**
   * Something still cannot apply (the dead letter itself, or a held message after it): it is
   * dead-lettered again and the account parked behind it, with everything after it held in order.
   */
  | ({ readonly kind: 're-parked'; readonly accountId: string; readonly deadLetterId: string } & ReplayResult);

/**
 * Re-applies the dead letter that parks `accountId` and its held messages, in version order (see
 * `inVersionOrder`), through the projection's own planning and writing (version guard included), and
 * unparks the account; the dead letter is marked re-driven. Runs inside the caller's transaction. The
 * parked row is locked FOR UPDATE first; a projector batch takes it FOR SHARE first, so the two
 * serialise: a batch that came first has its messages held and replayed here, a batch that comes
 * after sees the account unparked at its new version. An account that is not parked is left alone.
 */
export async function replayParked(client: ClientBase, writer: ProjectionWriter, accountId: string): Promise<ParkedReplayOutcome> {
  const parked = (await client.query<{ dead_letter_id: string }>(LOCK_PARKED_UPDATE, [[accountId]])).rows[0];
  if (parked === undefined) return { kind: 'not-parked', accountId };
  const deadLetterId = parked.dead_letter_id;
  // Read only now, under the lock, so the messages a batch held just before are included.
  const deadLetter = await deadLetterMessage(client, deadLetterId);
  const held = await heldMessages(client, accountId);
  await client.query(RESOLVE_DEAD_LETTER, [deadLetterId, 'redriven']);
  const inputs = inVersionOrder([deadLetter, ...held].map(decodeForProjection));
  const result = await applyAsUnparked(client, writer, accountId, inputs);
  return { kind: result.parkedBehind === null ? 'redriven' : 're-parked', accountId, deadLetterId, ...result };
}

/**
 * The projection's own rule for a gap that closes itself: an account parked at a version gap whose
 * missing version has since arrived (held behind it, see `BatchPlan.gapsClosed`: a topic recreated
 * and republished delivers newer events ahead of the history) is replayed at once, in version order,
 * in a transaction of its own after the batch that held the missing version committed. Where the
 * account now stands is announced at that commit, whether or not the writer announces its batches.
 */
export async function closeGap(pool: Pool, writer: ProjectionWriter, accountId: string): Promise<ParkedReplayOutcome> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await replayParked(client, writer, accountId);
    if (outcome.kind !== 'not-parked' && outcome.version > 0) await announceChanges(client, [{ accountId, version: outcome.version }]);
    await client.query('COMMIT');
    client.release();
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/**
 * The account's messages by version when every one carries a version: a topic recreated and
 * republished delivers newer events ahead of the history they follow, so arrival order would park the
 * account again at the same gap. A message without a version cannot be placed: then arrival order.
 * The sort is stable, so copies of one version keep their order (the first applies, the rest are duplicates).
 */
function inVersionOrder(inputs: readonly ProjectionInput[]): readonly ProjectionInput[] {
  const versioned = inputs.map((input) => ({ input, version: input.kind === 'event' ? input.event.version : input.version }));
  if (versioned.some((entry) => entry.version === null)) return inputs;
  return versioned.sort((a, b) => (a.version ?? 0) - (b.version ?? 0)).map((entry) => entry.input);
}

async function deadLetterMessage(client: ClientBase, id: string): Promise<RawMessage> {
  const { rows } = await client.query<StoredMessageRow>(SELECT_DEAD_LETTER_MESSAGE, [id]);
  // The parked row's foreign key keeps its dead letter.
  return rawFromRow(first(rows, `dead letter ${id}`));
}
