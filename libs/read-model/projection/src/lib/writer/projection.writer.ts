import { first, messageOf, prepared, type PreparedStatement } from '@ledger/platform';
import type { ClientBase } from 'pg';
import {
  accountArrays,
  accountFromRow,
  arrayLiteral,
  transactionArrays,
  transferFromRow,
  type AccountMoved,
  type AccountRow,
  type AccountView,
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
  type ProjectionState,
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
  readAccounts,
  PARK_ACCOUNT,
  PARK_TRANSFER,
  UPSERT_DEAD_LETTER,
  upsertTransfers,
  writeBatch,
  type ReadModelTables,
} from './projection.sql';
import { AccountRowCache } from './account-row.cache';

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
  /**
   * Account rows this writer keeps from its writes and reads (at most this many, the least recently
   * used dropped), so a batch of accounts it knows is written without reading them first. For a writer
   * that is most accounts' only writer (the projector: the partitions it owns); a row another writer
   * changed only costs a retry under locks. Default 0: none kept.
   */
  readonly cachedAccounts?: number;
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
 * Applies batches of projection inputs to the read model: plans each batch in memory (version guard,
 * parking, dead letters) against its streams' rows and writes it with a handful of set-based
 * statements, then announces (`announceChanges`). Either all of a batch commits or nothing. A batch
 * that only moves accounts is planned without locks and written by one guarded statement (see `apply`);
 * any other locks its parked and account rows in a transaction first.
 */
export class ProjectionWriter {
  private readonly tables: ReadModelTables;
  /** The statements every batch runs, prepared per connection: their planning cost as much as running them. */
  private readonly statements: WriterStatements;
  private readonly cache: AccountRowCache | null;

  constructor(private readonly options: ProjectionWriterOptions) {
    this.tables = options.tables ?? LIVE_TABLES;
    this.statements = writerStatements(this.tables, options.projection !== null);
    const cached = options.cachedAccounts ?? 0;
    this.cache = cached > 0 ? new AccountRowCache(cached) : null;
  }

  /**
   * The whole batch at once, or nothing. Throws (and writes nothing) on any database error.
   *
   * A batch of accounts' events that only moves accounts (the steady case: no transfer's stream, no
   * parked account, nothing to dead-letter or hold) is planned without locks and written in one
   * statement, with no transaction around it; the write applies only if no row changed since it was
   * read (or, with `cachedAccounts`, since this writer wrote it, and then it is not read at all). Any
   * other batch, or one that raced another writer, is planned again in a transaction under locks.
   */
  async apply(client: ClientBase, inputs: readonly ProjectionInput[], attempts = 1): Promise<BatchOutcome> {
    return (await this.applyUnlocked(client, inputs, attempts)) ?? this.applyLocked(client, inputs, attempts);
  }

  /** Null when the batch needs the locked path: it touches transfers, its plan is more than account moves, or a row changed meanwhile. */
  private async applyUnlocked(client: ClientBase, inputs: readonly ProjectionInput[], attempts: number): Promise<BatchOutcome | null> {
    if (transfersOf(inputs).length > 0) return null;
    const ids = accountsOf(inputs);
    const known = this.knownRows(ids, inputs) ?? (await this.readRows(client, ids));
    const plan = planBatch(inputs, known.state, attempts);
    if (!movesAccountsOnly(plan)) {
      this.cache?.forget(ids);
      return null;
    }
    if (plan.views.length > 0 || plan.appliedEventIds.length > 0) {
      const { rows } = await client.query<{ written: boolean; row_xmin: string | null }>({
        ...this.statements.writeBatchGuarded,
        values: [...this.batchValues(plan), arrayLiteral(ids), arrayLiteral(ids.map((id) => known.rowXmins.get(id) ?? 'NULL'))],
      });
      const written = rows[0];
      if (written?.written !== true) {
        this.cache?.forget(ids);
        return null;
      }
      const rowXmin = written.row_xmin;
      if (rowXmin !== null) for (const view of plan.views) this.cache?.set(view.accountId, { view, rowXmin });
    }
    return this.finish(client, plan);
  }

  /**
   * The batch's rows as this writer last wrote or read them, when it knows every one: each account is
   * in the cache, or opens in this batch (its first event is version 1), so it has no row yet. Null
   * otherwise. Parked accounts are not kept: the guarded write refuses a parked one.
   */
  private knownRows(ids: readonly string[], inputs: readonly ProjectionInput[]): KnownRows | null {
    const { cache } = this;
    if (cache === null) return null;
    const opening = openingAccounts(inputs);
    const views = new Map<string, AccountView>();
    const rowXmins = new Map<string, string>();
    for (const id of ids) {
      // Peeked, not touched: a written batch sets each row it moved, a refused one forgets them all.
      const row = cache.peek(id);
      if (row !== undefined) {
        views.set(id, row.view);
        rowXmins.set(id, row.rowXmin);
      } else if (!opening.has(id)) {
        return null;
      }
    }
    return { state: { views, parked: new Set(), parkedBehind: new Map() }, rowXmins };
  }

  /** The batch's rows and parked accounts as they stand, read without locks. */
  private async readRows(client: ClientBase, ids: readonly string[]): Promise<KnownRows> {
    const { rows } = await client.query<ReadAccountRow>({ ...this.statements.readAccounts, values: [ids] });
    const views = new Map<string, AccountView>();
    const rowXmins = new Map<string, string>();
    const parked: ReadAccountRow[] = [];
    for (const row of rows) {
      if (row.parked) {
        parked.push(row);
        continue;
      }
      const view = accountFromRow(row);
      views.set(row.account_id, view);
      if (row.row_xmin !== null) {
        rowXmins.set(row.account_id, row.row_xmin);
        this.cache?.set(row.account_id, { view, rowXmin: row.row_xmin });
      }
    }
    return {
      state: {
        views,
        parked: new Set(parked.map((row) => row.account_id)),
        parkedBehind: behindOf(parked.map((row) => [row.account_id, row.parked_behind])),
      },
      rowXmins,
    };
  }

  private async applyLocked(client: ClientBase, inputs: readonly ProjectionInput[], attempts: number): Promise<BatchOutcome> {
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
      : await client.query<{ account_id: string; parked_behind: string | null }>({ ...this.statements.lockParked, values: [ids] });
    const parkedTransfers =
      ignoreParked || transferIds.length === 0
        ? { rows: [] }
        : await client.query<{ transfer_id: string; parked_behind: string | null }>({
            ...this.statements.lockParkedTransfers,
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
    // Event ids are UUIDs (the envelope's and the store's are checked), literal-safe as they are.
    if (this.options.projection !== null) values.push(this.options.projection, arrayLiteral(plan.appliedEventIds));
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

/** A row of `readAccounts`: an account's with its `xmin`, or (`parked`) a parked account's with only its id and `parked_behind`. */
type ReadAccountRow = AccountRow & { readonly parked: boolean; readonly row_xmin: string | null; readonly parked_behind: string | null };

/** What a batch is planned from without locks, and the `xmin` of each row it was planned from (none: no row). */
interface KnownRows {
  readonly state: ProjectionState;
  readonly rowXmins: ReadonlyMap<string, string>;
}

/** Accounts whose first input in the batch is their opening (version 1): they have no row before it. */
function openingAccounts(inputs: readonly ProjectionInput[]): Set<string> {
  const firsts = new Map<string, ProjectionInput>();
  for (const input of inputs) if (input.accountId !== null && !firsts.has(input.accountId)) firsts.set(input.accountId, input);
  const opening = new Set<string>();
  for (const [id, input] of firsts) if (input.kind === 'event' && input.event.version === 1) opening.add(id);
  return opening;
}

/** Nothing but accounts moving, history rows and processed ids: what a guarded write applies. */
function movesAccountsOnly(plan: BatchPlan): boolean {
  return (
    plan.deadLetters.length === 0 &&
    plan.parks.length === 0 &&
    plan.held.length === 0 &&
    plan.gapsClosed.length === 0 &&
    (plan.transferStates?.length ?? 0) === 0 &&
    (plan.transferLegs?.length ?? 0) === 0 &&
    (plan.transferParks?.length ?? 0) === 0 &&
    (plan.transferHeld?.length ?? 0) === 0 &&
    (plan.transferGapsClosed?.length ?? 0) === 0
  );
}

interface WriterStatements {
  readonly lockParked: PreparedStatement;
  readonly lockParkedTransfers: PreparedStatement;
  readonly readAccounts: PreparedStatement;
  readonly writeBatchGuarded: PreparedStatement;
  readonly lockAccounts: PreparedStatement;
  readonly lockTransfers: PreparedStatement;
  readonly writeBatch: PreparedStatement;
  readonly upsertTransfers: PreparedStatement;
  readonly insertTransferStates: PreparedStatement;
  readonly insertTransferLegs: PreparedStatement;
}

function writerStatements(tables: ReadModelTables, recordProcessed: boolean): WriterStatements {
  return {
    lockParked: prepared(LOCK_PARKED_SHARE),
    lockParkedTransfers: prepared(LOCK_PARKED_TRANSFERS_SHARE),
    readAccounts: prepared(readAccounts(tables)),
    writeBatchGuarded: prepared(writeBatch(tables, recordProcessed, true)),
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
