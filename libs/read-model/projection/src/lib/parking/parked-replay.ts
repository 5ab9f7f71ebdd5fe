import { first, required } from '@ledger/platform';
import { rawFromRow, type RawMessage, type StoredMessageRow } from '@ledger/read-model-schema';
import type { ClientBase, Pool } from 'pg';
import { decodeForProjection, type ProjectionInput } from '../plan/projection-input';
import type { BatchPlan } from '../plan/batch-plan';
import { announceChanges } from '../announce/change.announcer';
import type { ProjectionWriter } from '../writer/projection.writer';
import { LOCK_PARKED_TRANSFERS_UPDATE, LOCK_PARKED_UPDATE } from '../writer/projection.sql';
import {
  ACCOUNT_STANDING,
  DELETE_HELD_MESSAGES,
  DELETE_HELD_TRANSFER_MESSAGES,
  REPARK_ACCOUNT,
  REPARK_TRANSFER,
  RESOLVE_DEAD_LETTER,
  SELECT_DEAD_LETTER_MESSAGE,
  SELECT_HELD_MESSAGES,
  SELECT_HELD_TRANSFER_MESSAGES,
  TRANSFER_STANDING,
  UNPARK_ACCOUNT,
  UNPARK_TRANSFER,
} from './parking.sql';

/** Where an account stands after an action: its read-model version and, if still parked, behind what. */
export interface AccountStanding {
  /** 0 when the read model has no row for it. */
  readonly version: number;
  readonly parkedBehind: { readonly deadLetterId: string; readonly reason: string } | null;
}

/** Where a transfer's stream stands after an action, as an account's does. */
export type TransferStanding = AccountStanding;

export interface ReplayResult extends AccountStanding {
  readonly applied: number;
  readonly duplicates: number;
  /** Messages held again because the replay parked the stream once more. */
  readonly held: number;
}

/**
 * How one category of streams is parked: its statements, and where a plan keeps its parks and held
 * messages. Accounts and transfers are parked alike, in tables of their own.
 */
interface Parking {
  readonly lock: string;
  readonly selectHeld: string;
  readonly deleteHeld: string;
  readonly unpark: string;
  readonly repark: string;
  readonly standing: string;
  readonly parkOf: (plan: BatchPlan, id: string) => { readonly deadLetterIndex: number; readonly reason: string } | undefined;
  readonly heldOf: (plan: BatchPlan, id: string) => number;
  readonly announce: (client: ClientBase, id: string, version: number) => Promise<void>;
}

const ACCOUNTS: Parking = {
  lock: LOCK_PARKED_UPDATE,
  selectHeld: SELECT_HELD_MESSAGES,
  deleteHeld: DELETE_HELD_MESSAGES,
  unpark: UNPARK_ACCOUNT,
  repark: REPARK_ACCOUNT,
  standing: ACCOUNT_STANDING,
  parkOf: (plan, id) => plan.parks.find((p) => p.accountId === id),
  heldOf: (plan, id) => plan.held.filter((h) => h.accountId === id).length,
  announce: (client, id, version) => announceChanges(client, [{ accountId: id, version }]),
};

const TRANSFERS: Parking = {
  lock: LOCK_PARKED_TRANSFERS_UPDATE,
  selectHeld: SELECT_HELD_TRANSFER_MESSAGES,
  deleteHeld: DELETE_HELD_TRANSFER_MESSAGES,
  unpark: UNPARK_TRANSFER,
  repark: REPARK_TRANSFER,
  standing: TRANSFER_STANDING,
  parkOf: (plan, id) => plan.transferParks?.find((p) => p.transferId === id),
  heldOf: (plan, id) => (plan.transferHeld ?? []).filter((h) => h.transferId === id).length,
  announce: (client, id) => announceChanges(client, [], [id]),
};

export async function heldMessages(client: ClientBase, accountId: string): Promise<RawMessage[]> {
  return held(ACCOUNTS, client, accountId);
}

export async function heldTransferMessages(client: ClientBase, transferId: string): Promise<RawMessage[]> {
  return held(TRANSFERS, client, transferId);
}

async function held(parking: Parking, client: ClientBase, id: string): Promise<RawMessage[]> {
  const { rows } = await client.query<StoredMessageRow>(parking.selectHeld, [id]);
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
  return applyUnparked(ACCOUNTS, client, writer, accountId, inputs);
}

/** `applyAsUnparked` for a transfer's own stream. */
export async function applyTransferAsUnparked(
  client: ClientBase,
  writer: ProjectionWriter,
  transferId: string,
  inputs: readonly ProjectionInput[],
): Promise<ReplayResult> {
  return applyUnparked(TRANSFERS, client, writer, transferId, inputs);
}

async function applyUnparked(
  parking: Parking,
  client: ClientBase,
  writer: ProjectionWriter,
  id: string,
  inputs: readonly ProjectionInput[],
): Promise<ReplayResult> {
  await client.query(parking.deleteHeld, [id]);
  const plan = await writer.planLocked(client, inputs, 1, true);
  const deadLetterIds = await writer.write(client, plan);
  const park = parking.parkOf(plan, id);
  if (park === undefined) {
    await client.query(parking.unpark, [id]);
  } else {
    const deadLetterId = required(deadLetterIds[park.deadLetterIndex], 'the dead letter that parks the stream');
    await client.query(parking.repark, [id, deadLetterId, park.reason]);
  }
  const outcome = await writer.finish(client, plan);
  return {
    applied: outcome.applied,
    duplicates: outcome.duplicates,
    held: parking.heldOf(plan, id),
    ...(await standing(parking, client, id)),
  };
}

export async function accountStanding(client: ClientBase, accountId: string): Promise<AccountStanding> {
  return standing(ACCOUNTS, client, accountId);
}

export async function transferStanding(client: ClientBase, transferId: string): Promise<TransferStanding> {
  return standing(TRANSFERS, client, transferId);
}

async function standing(parking: Parking, client: ClientBase, id: string): Promise<AccountStanding> {
  const { rows } = await client.query<{ version: string | null; dead_letter_id: string | null; reason: string | null }>(parking.standing, [
    id,
  ]);
  const row = first(rows, `the standing of ${id}`);
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

/** As `ParkedReplayOutcome`, for a transfer's own stream. */
export type ParkedTransferReplayOutcome =
  | { readonly kind: 'not-parked'; readonly transferId: string }
  | ({ readonly kind: 'redriven' | 're-parked'; readonly transferId: string; readonly deadLetterId: string } & ReplayResult);

type Replayed =
  | { readonly kind: 'not-parked' }
  | ({ readonly kind: 'redriven' | 're-parked'; readonly deadLetterId: string } & ReplayResult);

/**
 * Re-applies the dead letter that parks `accountId` and its held messages, in version order (see
 * `inVersionOrder`), through the projection's own planning and writing (version guard included), and
 * unparks the account; the dead letter is marked re-driven. Runs inside the caller's transaction. The
 * parked row is locked FOR UPDATE first; a projector batch takes it FOR SHARE first, so the two
 * serialise: a batch that came first has its messages held and replayed here, a batch that comes
 * after sees the account unparked at its new version. An account that is not parked is left alone.
 */
export async function replayParked(client: ClientBase, writer: ProjectionWriter, accountId: string): Promise<ParkedReplayOutcome> {
  const replayed = await replay(ACCOUNTS, client, writer, accountId);
  return { ...replayed, accountId } as ParkedReplayOutcome;
}

/** `replayParked` for a transfer's own stream. */
export async function replayParkedTransfer(
  client: ClientBase,
  writer: ProjectionWriter,
  transferId: string,
): Promise<ParkedTransferReplayOutcome> {
  const replayed = await replay(TRANSFERS, client, writer, transferId);
  return { ...replayed, transferId } as ParkedTransferReplayOutcome;
}

async function replay(parking: Parking, client: ClientBase, writer: ProjectionWriter, id: string): Promise<Replayed> {
  const parked = (await client.query<{ dead_letter_id: string }>(parking.lock, [[id]])).rows[0];
  if (parked === undefined) return { kind: 'not-parked' };
  const deadLetterId = parked.dead_letter_id;
  // Read only now, under the lock, so the messages a batch held just before are included.
  const deadLetter = await deadLetterMessage(client, deadLetterId);
  const heldNow = await held(parking, client, id);
  await client.query(RESOLVE_DEAD_LETTER, [deadLetterId, 'redriven']);
  const inputs = inVersionOrder([deadLetter, ...heldNow].map(decodeForProjection));
  const result = await applyUnparked(parking, client, writer, id, inputs);
  return { kind: result.parkedBehind === null ? 'redriven' : 're-parked', deadLetterId, ...result };
}

/**
 * The projection's own rule for a gap that closes itself: an account parked at a version gap whose
 * missing version has since arrived (held behind it, see `BatchPlan.gapsClosed`: a topic recreated
 * and republished delivers newer events ahead of the history) is replayed at once, in version order,
 * in a transaction of its own after the batch that held the missing version committed. Where the
 * account now stands is announced at that commit, whether or not the writer announces its batches.
 */
export async function closeGap(pool: Pool, writer: ProjectionWriter, accountId: string): Promise<ParkedReplayOutcome> {
  const replayed = await closeGapOf(ACCOUNTS, pool, writer, accountId);
  return { ...replayed, accountId } as ParkedReplayOutcome;
}

/** `closeGap` for a transfer's own stream (see `BatchPlan.transferGapsClosed`). */
export async function closeTransferGap(pool: Pool, writer: ProjectionWriter, transferId: string): Promise<ParkedTransferReplayOutcome> {
  const replayed = await closeGapOf(TRANSFERS, pool, writer, transferId);
  return { ...replayed, transferId } as ParkedTransferReplayOutcome;
}

async function closeGapOf(parking: Parking, pool: Pool, writer: ProjectionWriter, id: string): Promise<Replayed> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const outcome = await replay(parking, client, writer, id);
    if (outcome.kind !== 'not-parked' && outcome.version > 0) await parking.announce(client, id, outcome.version);
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
 * The stream's messages by version when every one carries a version: a topic recreated and
 * republished delivers newer events ahead of the history they follow, so arrival order would park the
 * stream again at the same gap. A message without a version cannot be placed: then arrival order.
 * The sort is stable, so copies of one version keep their order (the first applies, the rest are duplicates).
 */
function inVersionOrder(inputs: readonly ProjectionInput[]): readonly ProjectionInput[] {
  const versioned = inputs.map((input) => ({ input, version: input.kind === 'poison' ? input.version : input.event.version }));
  if (versioned.some((entry) => entry.version === null)) return inputs;
  return versioned.sort((a, b) => (a.version ?? 0) - (b.version ?? 0)).map((entry) => entry.input);
}

async function deadLetterMessage(client: ClientBase, id: string): Promise<RawMessage> {
  const { rows } = await client.query<StoredMessageRow>(SELECT_DEAD_LETTER_MESSAGE, [id]);
  // The parked row's foreign key keeps its dead letter.
  return rawFromRow(first(rows, `dead letter ${id}`));
}
