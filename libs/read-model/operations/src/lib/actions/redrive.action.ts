import { first } from '@ledger/platform';
import type { ClientBase } from 'pg';
import { decodeForProjection, type ProjectionInput, type RawMessage } from '../projection/projection-input';
import { rawFromRow, type StoredMessageRow } from '../projection/message-rows';
import { LOCK_PARKED_UPDATE } from '../projection/projection.sql';
import { canonicalAccountId, runOperatorAction, writerFor, type OperatorContext } from './operator-action';
import { RESOLVE_DEAD_LETTER, SELECT_DEAD_LETTER_MESSAGE } from './operations.sql';
import { applyAsUnparked, heldMessages, type ReplayResult } from './parked-replay';

export type RedriveOutcome =
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
 * `inVersionOrder`), in one transaction, through the projector's own planning and writing (version guard included), and
 * unparks the account. The parked row is locked FOR UPDATE first; a projector batch takes it FOR SHARE
 * first, so the two serialise: a batch that came first has its messages held and re-driven here, a
 * batch that comes after sees the account unparked at its new version. Idempotent: an account that is
 * not parked is left alone.
 */
export async function redrive(context: OperatorContext, givenAccountId: string): Promise<RedriveOutcome> {
  const accountId = canonicalAccountId(givenAccountId);
  return runOperatorAction(context, 'redrive', accountId, async (client) => {
    const parked = (await client.query<{ dead_letter_id: string }>(LOCK_PARKED_UPDATE, [[accountId]])).rows[0];
    if (parked === undefined) return { kind: 'not-parked', accountId };
    const deadLetterId = parked.dead_letter_id;
    // Read only now, under the lock, so the messages a batch held just before are included.
    const deadLetter = await deadLetterMessage(client, deadLetterId);
    const held = await heldMessages(client, accountId);
    await client.query(RESOLVE_DEAD_LETTER, [deadLetterId, 'redriven']);
    const inputs = inVersionOrder([deadLetter, ...held].map(decodeForProjection));
    const result = await applyAsUnparked(client, writerFor(context), accountId, inputs);
    return { kind: result.parkedBehind === null ? 'redriven' : 're-parked', accountId, deadLetterId, ...result };
  });
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
