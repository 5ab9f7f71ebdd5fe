import { first, messageOf, prepared, type PreparedStatement } from '@ledger/platform';
import type { ClientBase } from 'pg';
import {
  accountArrays,
  accountFromRow,
  transactionArrays,
  transferFromRow,
  type AccountMoved,
  type AccountRow,
  type RawMessage,
  type TransferViewRow,
} from '@ledger/read-model-schema';
import { announceChanges } from '../announce/change.announcer';
import {
  accountsOf,
  latestTransferStates,
  planBatch,
  transfersChanged,
  transfersOf,
  type BatchPlan,
  type DeadLetterDraft,
} from '../plan/batch-plan';
import type { ProjectionInput } from '../plan/projection-input';
import {
  HOLD_EVENTS,
  HOLD_TRANSFER_EVENTS,
  insertTransferLegs,
  insertTransferStates,
  LIVE_TABLES,
  LOCK_PARKED_SHARE,
  LOCK_PARKED_TRANSFERS_SHARE,
  lockAccounts,
  lockTransfers,
  PARK_ACCOUNT,
  PARK_TRANSFER,
  UPSERT_DEAD_LETTER,
  upsertTransfers,
  writeBatch,
  type ReadModelTables,
} from './projection.sql';

/** The projection name the projector records processed events under; the operator actions use the same. */
export const ACCOUNTS_PROJECTION = 'accounts';

export interface ProjectionWriterOptions {
  /** Names this projection's rows in `processed_events`; null records none (a rebuild's fresh tables). */
  readonly projection: string | null;
  readonly tables?: ReadModelTables;
  /**
   * Announce each batch's changes inside its transaction (`announceChanges`). Default true; the
   * projector announces after the commit instead (see `ChangeAnnouncer`).
   */
  readonly notify?: boolean;
}

export interface BatchOutcome {
  readonly applied: number;
  readonly duplicates: number;
  readonly held: number;
  readonly deadLettered: number;
  /** Accounts parked by this batch. */
  readonly parked: readonly string[];
  /** Where each account that moved now stands. */
  readonly moved: readonly AccountMoved[];
  /** Parked accounts whose missing version this batch held (see `BatchPlan.gapsClosed`). */
  readonly gapsClosed: readonly string[];
  /** Transfers parked by this batch (their own streams). */
  readonly parkedTransfers: readonly string[];
  /** Transfers whose read rows changed: their own stream moved, or a leg of theirs was applied. */
  readonly transfersChanged: readonly string[];
  /** As `gapsClosed`, for transfers' streams. */
  readonly transferGapsClosed: readonly string[];
}

/**
 * Applies batches of projection inputs to the read model: one transaction per batch that locks the
 * batch's parked and account rows, plans in memory (version guard, parking, dead letters) and writes
 * with a handful of set-based statements, then announces (`announceChanges`). Either all of a batch commits or nothing.
 */
export class ProjectionWriter {
  private readonly tables: ReadModelTables;
  /** The statements every batch runs, prepared per connection: their planning cost as much as running them. */
  private readonly statements: WriterStatements;

  constructor(private readonly options: ProjectionWriterOptions) {
    this.tables = options.tables ?? LIVE_TABLES;
    this.statements = writerStatements(this.tables, options.projection !== null);
  }

  /** The whole batch in one transaction. Throws (and writes nothing) on any database error. */
  async apply(client: ClientBase, inputs: readonly ProjectionInput[], attempts = 1): Promise<BatchOutcome> {
    return this.inTransaction(client, async () => {
      const plan = await this.planLocked(client, inputs, attempts);
      await this.write(client, plan);
      return this.finish(client, plan);
    });
  }

  /**
   * For a batch whose writes keep failing: each stream in a savepoint of its own, so the stream (an
   * account, or a transfer's own) whose rows the database refuses is dead-lettered with that error and
   * parked, and the others commit.
   * An error `refuses` does not hold against the account rolls the whole batch back and is thrown.
   */
  async applyIsolated(
    client: ClientBase,
    inputs: readonly ProjectionInput[],
    attempts: number,
    refuses: (error: unknown) => boolean = () => true,
  ): Promise<BatchOutcome> {
    return this.inTransaction(client, async () => {
      const plans: BatchPlan[] = [];
      for (const group of groupByAccount(inputs)) {
        await client.query('SAVEPOINT account');
        try {
          const plan = await this.planLocked(client, group, attempts);
          await this.write(client, plan);
          plans.push(plan);
          await client.query('RELEASE SAVEPOINT account');
        } catch (error) {
          // Not the account's fault (a deadlock, a timeout): the whole attempt fails and is retried.
          if (!refuses(error)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT account');
          const refused = refuse(group, `database refused the account's rows: ${messageOf(error)}`, attempts);
          await this.write(client, refused);
          plans.push(refused);
        }
      }
      return this.finish(client, mergePlans(plans));
    });
  }

  /**
   * Locks what the batch touches, then plans against it. Exposed for the operator actions, whose
   * `ignoreParked` replays a parked stream's own messages (the caller holds its parked row).
   */
  async planLocked(client: ClientBase, inputs: readonly ProjectionInput[], attempts: number, ignoreParked = false): Promise<BatchPlan> {
    const ids = accountsOf(inputs);
    const transferIds = transfersOf(inputs);
    const parked = ignoreParked
      ? { rows: [] }
      : await client.query<{ account_id: string; parked_behind: string | null }>({ ...prepared(LOCK_PARKED_SHARE), values: [ids] });
    const parkedTransfers =
      ignoreParked || transferIds.length === 0
        ? { rows: [] }
        : await client.query<{ transfer_id: string; parked_behind: string | null }>({
            ...prepared(LOCK_PARKED_TRANSFERS_SHARE),
            values: [transferIds],
          });
    const accounts = await client.query<AccountRow>({ ...this.statements.lockAccounts, values: [ids] });
    const transfers =
      transferIds.length === 0
        ? { rows: [] }
        : await client.query<TransferViewRow>({ ...this.statements.lockTransfers, values: [transferIds] });
    return planBatch(
      inputs,
      {
        views: new Map(accounts.rows.map((row) => [row.account_id, accountFromRow(row)])),
        parked: new Set(parked.rows.map((row) => row.account_id)),
        parkedBehind: behindOf(parked.rows.map((row) => [row.account_id, row.parked_behind])),
        transfers: new Map(transfers.rows.map((row) => [row.transfer_id, transferFromRow(row)])),
        parkedTransfers: new Set(parkedTransfers.rows.map((row) => row.transfer_id)),
        transfersParkedBehind: behindOf(parkedTransfers.rows.map((row) => [row.transfer_id, row.parked_behind])),
      },
      attempts,
    );
  }

  /** Writes the plan; returns the ids of its dead letters, in the plan's order. */
  async write(client: ClientBase, plan: BatchPlan): Promise<readonly string[]> {
    if (plan.views.length > 0 || plan.transactions.length > 0 || plan.appliedEventIds.length > 0) {
      await client.query({ ...this.statements.writeBatch, values: this.batchValues(plan) });
    }
    await this.writeTransfers(client, plan);
    const deadLetterIds: string[] = [];
    for (const draft of plan.deadLetters) deadLetterIds.push(await upsertDeadLetter(client, draft));
    for (const park of plan.parks) {
      await client.query(PARK_ACCOUNT, [park.accountId, deadLetterIds[park.deadLetterIndex], park.reason]);
    }
    for (const park of plan.transferParks ?? []) {
      await client.query(PARK_TRANSFER, [park.transferId, deadLetterIds[park.deadLetterIndex], park.reason]);
    }
    if (plan.held.length > 0) {
      await client.query(HOLD_EVENTS, [plan.held.map((h) => h.accountId), ...messageArrays(plan.held.map((h) => h.raw))]);
    }
    const transferHeld = plan.transferHeld ?? [];
    if (transferHeld.length > 0) {
      await client.query(HOLD_TRANSFER_EVENTS, [transferHeld.map((h) => h.transferId), ...messageArrays(transferHeld.map((h) => h.raw))]);
    }
    return deadLetterIds;
  }

  /** The transfers' own rows (terms first: a state refers to them) and the legs the accounts applied. */
  private async writeTransfers(client: ClientBase, plan: BatchPlan): Promise<void> {
    const states = plan.transferStates ?? [];
    if (states.length > 0) {
      const latest = latestTransferStates(plan);
      await client.query({
        ...this.statements.upsertTransfers,
        values: [
          latest.map((t) => t.transferId),
          latest.map((t) => t.fromAccountId),
          latest.map((t) => t.toAccountId),
          latest.map((t) => t.amount.toString()),
          latest.map((t) => t.currency),
          latest.map((t) => t.reference),
          latest.map((t) => t.createdAt),
          latest.map((t) => t.expiresAt),
          latest.map((t) => t.version),
        ],
      });
      await client.query({
        ...this.statements.insertTransferStates,
        values: [
          states.map((s) => s.transferId),
          states.map((s) => s.version),
          states.map((s) => s.status),
          states.map((s) => s.postedAmount.toString()),
          states.map((s) => s.updatedAt),
        ],
      });
    }
    const legs = plan.transferLegs ?? [];
    if (legs.length > 0) {
      await client.query({
        ...this.statements.insertTransferLegs,
        values: [legs.map((l) => l.transferId), legs.map((l) => l.leg), legs.map((l) => l.accountId), legs.map((l) => l.accountVersion)],
      });
    }
  }

  /** Announces what the batch moved (unless told not to) and returns its outcome. */
  async finish(client: ClientBase, plan: BatchPlan): Promise<BatchOutcome> {
    const moved = plan.views.map((v) => ({ accountId: v.accountId, version: v.version }));
    const transfers = transfersChanged(plan);
    if (this.options.notify ?? true) await announceChanges(client, moved, transfers);
    return {
      applied: plan.appliedEventIds.length,
      duplicates: plan.duplicates,
      held: plan.held.length + (plan.transferHeld?.length ?? 0),
      deadLettered: plan.deadLetters.length,
      parked: plan.parks.map((p) => p.accountId),
      moved,
      gapsClosed: plan.gapsClosed,
      parkedTransfers: (plan.transferParks ?? []).map((p) => p.transferId),
      transfersChanged: transfers,
      transferGapsClosed: plan.transferGapsClosed ?? [],
    };
  }

  private batchValues(plan: BatchPlan): unknown[] {
    const { views, transactions: rows } = plan;
    const values: unknown[] = [...accountArrays(views), ...transactionArrays(rows)];
    if (this.options.projection !== null) values.push(this.options.projection, plan.appliedEventIds);
    return values;
  }

  private async inTransaction<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

interface WriterStatements {
  readonly lockAccounts: PreparedStatement;
  readonly lockTransfers: PreparedStatement;
  readonly writeBatch: PreparedStatement;
  readonly upsertTransfers: PreparedStatement;
  readonly insertTransferStates: PreparedStatement;
  readonly insertTransferLegs: PreparedStatement;
}

function writerStatements(tables: ReadModelTables, recordProcessed: boolean): WriterStatements {
  return {
    lockAccounts: prepared(lockAccounts(tables)),
    lockTransfers: prepared(lockTransfers(tables)),
    writeBatch: prepared(writeBatch(tables, recordProcessed)),
    upsertTransfers: prepared(upsertTransfers(tables)),
    insertTransferStates: prepared(insertTransferStates(tables)),
    insertTransferLegs: prepared(insertTransferLegs(tables)),
  };
}

async function upsertDeadLetter(client: ClientBase, draft: DeadLetterDraft): Promise<string> {
  const { raw } = draft;
  const { rows } = await client.query<{ id: string }>(UPSERT_DEAD_LETTER, [
    draft.accountId,
    draft.eventId,
    draft.version,
    raw.topic,
    raw.partition,
    raw.offset,
    raw.key,
    raw.value,
    JSON.stringify(raw.headers),
    draft.error,
    draft.attempts,
    draft.transferId,
  ]);
  return first(rows, 'the upserted dead letter').id;
}

/** The message columns HOLD_EVENTS and HOLD_TRANSFER_EVENTS take after the stream's ids, as arrays. */
function messageArrays(raws: readonly RawMessage[]): unknown[] {
  return [
    raws.map((r) => r.topic),
    raws.map((r) => r.partition),
    raws.map((r) => r.offset),
    raws.map((r) => r.key),
    raws.map((r) => r.value),
    raws.map((r) => JSON.stringify(r.headers)),
  ];
}

function behindOf(rows: readonly (readonly [string, string | null])[]): Map<string, number> {
  return new Map(rows.flatMap(([id, behind]) => (behind === null ? [] : [[id, Number(behind)] as const])));
}

/** Inputs split per stream, in order of first appearance; poison that names no stream stands alone. */
function groupByAccount(inputs: readonly ProjectionInput[]): ProjectionInput[][] {
  const groups = new Map<string | ProjectionInput, ProjectionInput[]>();
  for (const input of inputs) {
    const key = input.accountId ?? (input.transferId === null ? input : `transfer-${input.transferId}`);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [input]);
    else group.push(input);
  }
  return [...groups.values()];
}

/** The plan for a stream whose rows the database refused: first input dead-lettered, the rest held. */
function refuse(group: readonly ProjectionInput[], error: string, attempts: number): BatchPlan {
  const deadLettered = first(group, 'an input of the refused stream');
  const rest = group.slice(1);
  const { accountId, transferId } = deadLettered;
  const located =
    deadLettered.kind === 'poison'
      ? { eventId: deadLettered.eventId, version: deadLettered.version }
      : { eventId: deadLettered.event.eventId, version: deadLettered.event.version };
  return {
    views: [],
    transactions: [],
    appliedEventIds: [],
    deadLetters: [{ accountId, transferId, ...located, raw: deadLettered.raw(), error, attempts }],
    parks: accountId === null ? [] : [{ accountId, deadLetterIndex: 0, reason: error }],
    held: accountId === null ? [] : rest.map((input) => ({ accountId, raw: input.raw() })),
    duplicates: 0,
    gapsClosed: [],
    transferStates: [],
    transferLegs: [],
    transferParks: transferId === null ? [] : [{ transferId, deadLetterIndex: 0, reason: error }],
    transferHeld: transferId === null ? [] : rest.map((input) => ({ transferId, raw: input.raw() })),
    transferGapsClosed: [],
  };
}

function mergePlans(plans: readonly BatchPlan[]): BatchPlan {
  return {
    views: plans.flatMap((p) => p.views),
    transactions: plans.flatMap((p) => p.transactions),
    appliedEventIds: plans.flatMap((p) => p.appliedEventIds),
    deadLetters: plans.flatMap((p) => p.deadLetters),
    parks: plans.flatMap((p) => p.parks),
    held: plans.flatMap((p) => p.held),
    duplicates: plans.reduce((sum, p) => sum + p.duplicates, 0),
    gapsClosed: plans.flatMap((p) => p.gapsClosed),
    transferStates: plans.flatMap((p) => p.transferStates ?? []),
    transferLegs: plans.flatMap((p) => p.transferLegs ?? []),
    transferParks: plans.flatMap((p) => p.transferParks ?? []),
    transferHeld: plans.flatMap((p) => p.transferHeld ?? []),
    transferGapsClosed: plans.flatMap((p) => p.transferGapsClosed ?? []),
  };
}
