import type { EnvelopeSource } from '@ledger/messaging';
import {
  applyAsUnparked,
  DELETE_HELD_MESSAGES,
  inputFromStore,
  LIVE_TABLES,
  LOCK_PARKED_UPDATE,
  lockAccounts,
  type ReplayResult,
} from '@ledger/read-model-projection';
import { canonicalAccountId, runOperatorAction, writerFor, type OperatorContext } from './operator-action';
import { DELETE_ACCOUNT, DELETE_ACCOUNT_TRANSACTIONS, DELETE_ACCOUNT_TRANSFER_LEGS, HEAL_OPEN_DEAD_LETTERS } from './operations.sql';

/**
 * Every event of the account's stream from version 1, in version order, as stored: the projection
 * upcasts each one itself, so an event this code cannot read parks the account behind it instead of
 * failing the whole heal.
 */
export type LoadAccountEvents = () => Promise<readonly EnvelopeSource[]>;

export interface HealResult extends ReplayResult {
  readonly accountId: string;
  /** Events read from the store. */
  readonly events: number;
  readonly wasParked: boolean;
  /** Held messages discarded: the store had them all. */
  readonly discarded: number;
  /** Open dead letters of the account, now marked healed. */
  readonly deadLettersHealed: readonly string[];
}

export type HealOutcome =
  /** Neither the event store nor the read model knows the account: nothing was changed. */
  | { readonly kind: 'unknown-account'; readonly accountId: string }
  | ({ readonly kind: 'healed' } & HealResult)
  /** The store's own history does not apply (an event this code cannot read): parked behind it again. */
  | ({ readonly kind: 'parked' } & HealResult);

/**
 * Rebuilds one account's read model from the event store, the source of truth, in one transaction:
 * locks the parked row (if any) and the account row FOR UPDATE, and only then loads the events, so
 * every event the projector could have applied is already in what is loaded (the projector applies
 * only what the relay read as committed). Then the account's rows (its history, and the transfer legs
 * it applied) are replaced by the fold of the whole stream, held messages discarded, the account unparked and its open dead letters marked healed.
 * Idempotent by nature: healing twice yields the same rows. Events that commit in the store after the
 * load reach the projector through Kafka, and its version guard takes them from the healed version on.
 */
export async function heal(context: OperatorContext, givenAccountId: string, loadEvents: LoadAccountEvents): Promise<HealOutcome> {
  const accountId = canonicalAccountId(givenAccountId);
  return runOperatorAction(context, 'heal', accountId, async (client) => {
    const parked = await client.query(LOCK_PARKED_UPDATE, [[accountId]]);
    const account = await client.query(lockAccounts(LIVE_TABLES), [[accountId]]);
    const events = await loadEvents();
    const wasParked = parked.rows.length > 0;
    if (events.length === 0 && !wasParked && account.rows.length === 0) return { kind: 'unknown-account', accountId };

    const discarded = await client.query(DELETE_HELD_MESSAGES, [accountId]);
    const healed = await client.query<{ id: string }>(HEAL_OPEN_DEAD_LETTERS, [accountId]);
    await client.query(DELETE_ACCOUNT_TRANSACTIONS, [accountId]);
    await client.query(DELETE_ACCOUNT_TRANSFER_LEGS, [accountId]);
    await client.query(DELETE_ACCOUNT, [accountId]);
    const result = await applyAsUnparked(client, writerFor(context), accountId, events.map(inputFromStore));
    return {
      kind: result.parkedBehind === null ? 'healed' : 'parked',
      accountId,
      events: events.length,
      wasParked,
      discarded: discarded.rowCount ?? 0,
      deadLettersHealed: healed.rows.map((row) => row.id),
      ...result,
    };
  });
}
