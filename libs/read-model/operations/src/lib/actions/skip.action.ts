import { first, required } from '@ledger/platform';
import {
  applyAsUnparked,
  applyTransferAsUnparked,
  decodeForProjection,
  heldMessages,
  heldTransferMessages,
  LOCK_PARKED_TRANSFERS_UPDATE,
  LOCK_PARKED_UPDATE,
  RESOLVE_DEAD_LETTER,
  type ReplayResult,
} from '@ledger/read-model-projection';
import { assertDeadLetterId, type DeadLetterStatus } from './dead-letters.reader';
import { runOperatorAction, writerFor, type OperatorContext } from './operator-action';
import { DEAD_LETTER_STREAM, LOCK_DEAD_LETTER_MESSAGE } from './operations.sql';

export type SkipOutcome =
  | { readonly kind: 'not-found'; readonly deadLetterId: string }
  /** Already resolved (skipped, re-driven or healed): nothing changed. */
  | { readonly kind: 'not-open'; readonly deadLetterId: string; readonly status: DeadLetterStatus }
  /** Marked skipped; it parked nothing (no stream named, or the stream was already unparked). */
  | { readonly kind: 'skipped'; readonly deadLetterId: string; readonly accountId: string | null; readonly transferId?: string }
  /** Marked skipped, its account unparked and the held messages applied in order. */
  | ({ readonly kind: 'unparked'; readonly deadLetterId: string; readonly accountId: string } & ReplayResult)
  /** Marked skipped, but a held message could not apply (a gap, if the skipped event was real): parked behind it. */
  | ({ readonly kind: 're-parked'; readonly deadLetterId: string; readonly accountId: string } & ReplayResult)
  /** As `unparked` and `re-parked`, for a dead letter that parked a transfer's own stream. */
  | ({
      readonly kind: 'transfer-unparked' | 'transfer-re-parked';
      readonly deadLetterId: string;
      readonly transferId: string;
    } & ReplayResult);

/**
 * Drops an open dead letter on an operator's decision. When it is what parks its stream (an account,
 * or a transfer's own), the stream is unparked and its held messages applied in order, in the same
 * transaction. A skipped event that
 * was a real one leaves a gap: the next held event then parks the account again (heal is the tool for
 * that). Idempotent: a dead letter that is no longer open is left alone.
 */
export async function skip(context: OperatorContext, deadLetterId: string): Promise<SkipOutcome> {
  assertDeadLetterId(deadLetterId);
  return runOperatorAction(context, 'skip', deadLetterId, async (client) => {
    const named = (await client.query<{ account_id: string | null; transfer_id: string | null }>(DEAD_LETTER_STREAM, [deadLetterId]))
      .rows[0];
    if (named === undefined) return { kind: 'not-found', deadLetterId };
    const accountId = named.account_id;
    const transferId = named.transfer_id;
    // The projector's lock order: the parked row before the dead letter.
    const parked =
      accountId !== null
        ? (await client.query<{ dead_letter_id: string }>(LOCK_PARKED_UPDATE, [[accountId]])).rows
        : transferId !== null
          ? (await client.query<{ dead_letter_id: string }>(LOCK_PARKED_TRANSFERS_UPDATE, [[transferId]])).rows
          : [];
    const { rows } = await client.query<{ status: DeadLetterStatus }>(LOCK_DEAD_LETTER_MESSAGE, [deadLetterId]);
    const { status } = first(rows, `dead letter ${deadLetterId}`);
    if (status !== 'open') return { kind: 'not-open', deadLetterId, status };
    await client.query(RESOLVE_DEAD_LETTER, [deadLetterId, 'skipped']);
    if (parked[0]?.dead_letter_id !== deadLetterId) {
      return { kind: 'skipped', deadLetterId, accountId, ...(transferId === null ? {} : { transferId }) };
    }
    if (accountId !== null) {
      const inputs = (await heldMessages(client, accountId)).map(decodeForProjection);
      const result = await applyAsUnparked(client, writerFor(context), accountId, inputs);
      return { kind: result.parkedBehind === null ? 'unparked' : 're-parked', deadLetterId, accountId, ...result };
    }
    const transfer = required(transferId, 'the transfer the dead letter parks');
    const inputs = (await heldTransferMessages(client, transfer)).map(decodeForProjection);
    const result = await applyTransferAsUnparked(client, writerFor(context), transfer, inputs);
    return {
      kind: result.parkedBehind === null ? 'transfer-unparked' : 'transfer-re-parked',
      deadLetterId,
      transferId: transfer,
      ...result,
    };
  });
}
