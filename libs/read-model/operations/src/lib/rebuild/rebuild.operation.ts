import type { EnvelopeSource } from '@ledger/messaging';
import { backoffDelay, messageOf, sleep } from '@ledger/platform';
import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { announceChanges, inputFromStore, ProjectionWriter, type BatchPlan } from '@ledger/read-model-projection';
import { transactionArrays, type AccountView, type TransactionRow } from '@ledger/read-model-schema';
import { recordOperatorAction } from '../actions/operator-action';
import { RebuildFold, Unappliable, type FoldedChunk } from './rebuild.fold';
import { RebuildProgressMeter, type RebuildProgress } from './rebuild.progress';
import {
  INSERT_HISTORY,
  LOCK_LIVE_TABLES,
  LOCK_NOT_AVAILABLE,
  NEXT_TABLES,
  RELEASE_REBUILD_LOCK,
  SET_LOCK_TIMEOUT,
  TRY_REBUILD_LOCK,
} from './rebuild.sql';
import { RebuildTables } from './rebuild.tables';

/** A place in the event store's commit order (transaction id, global position), as decimal strings. */
export interface RebuildPosition {
  readonly transactionId: string;
  readonly globalPosition: string;
}

/** A stored event with its place in the commit order; the event store's committed events fit it. */
export interface RebuildSourceEvent extends EnvelopeSource {
  readonly transactionId: string;
}

/**
 * Up to `limit` events committed after `after`, in commit order, only from transactions below the
 * snapshot's xmin (the relay's read): the event store's `readCommittedBatch` on a session of its own.
 */
export type ReadEventsAfter = (after: RebuildPosition, limit: number) => Promise<readonly RebuildSourceEvent[]>;

export interface RebuildTuning {
  /** Events per read and per write while loading the fresh tables. */
  readonly loadChunk: number;
  /** Events per read and per transaction while catching up, and under the lock. */
  readonly catchUpChunk: number;
  /** A catch-up read shorter than this is a small tail: time to lock and swap. */
  readonly smallTail: number;
  /** How long the swap waits for the projector's writes to let go of the live tables, per attempt. */
  readonly lockTimeoutMs: number;
  /** How long the renames may keep queries waiting, per attempt; below deadlock_timeout (1 s). */
  readonly renameLockTimeoutMs: number;
  readonly swapAttempts: number;
  readonly renameAttempts: number;
}

export const DEFAULT_REBUILD_TUNING: RebuildTuning = {
  loadChunk: 10_000,
  catchUpChunk: 5_000,
  smallTail: 1_000,
  lockTimeoutMs: 2_000,
  renameLockTimeoutMs: 300,
  swapAttempts: 20,
  renameAttempts: 20,
};

export interface RebuildOptions {
  /** On the read-model database. */
  readonly pool: Pool;
  readonly readEvents: ReadEventsAfter;
  /** The store's event count, for the ETA. */
  readonly countEvents?: () => Promise<number>;
  readonly performedBy: string;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly tuning?: Partial<RebuildTuning>;
}

export interface RebuildResult {
  /** Events applied to the fresh tables (one history row, or one transfer state, each). */
  readonly events: number;
  /** Accounts in the read model when it was swapped in. */
  readonly accounts: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Events of the store this code could not apply, and the accounts they stopped (see `Unappliable`). */
  readonly unappliableEvents: number;
  readonly stuckAccounts: readonly string[];
  readonly swapAttempts: number;
  /** How long the projector's writes were held back (queries were not) for the final tail and the swap. */
  readonly lockedMs: number;
  /** False when the old tables were still in use; the next rebuild drops them. */
  readonly oldTablesDropped: boolean;
  readonly operatorActionId: string;
}

export class RebuildAlreadyRunningError extends Error {
  constructor() {
    super('another rebuild of the read models is running');
    this.name = 'RebuildAlreadyRunningError';
  }
}

const ORIGIN: RebuildPosition = { transactionId: '0', globalPosition: '0' };
const DROP_RETRY = { initialMs: 200, maxMs: 3_000 };
const RENAME_RETRY = { initialMs: 20, maxMs: 500 };

/**
 * Rebuilds the read models (accounts, their history, transfers with their states and legs) from the event store without
 * taking the query side down: fresh tables are loaded beside the live ones, caught up, and swapped in
 * by renames in one short transaction. Dead letters and parked accounts are left as they are.
 *
 * Why nothing is lost or applied twice: the projector only ever applies events the relay read as
 * committed below its snapshot's xmin, so every event it applied to the live tables is in the store
 * and below the xmin of any later snapshot. The final tail is read under an EXCLUSIVE lock on the live
 * tables, taken after the projector's last write to them committed and read until a read comes back
 * short: it therefore covers everything the projector applied. Writes that queued behind the lock
 * find the fresh tables after the renames (Postgres looks the name up again once it has the lock), and
 * events that arrive through Kafka afterwards meet the version guard, which skips what the rebuild
 * already applied. Queries read through all of it: EXCLUSIVE lets readers in, and the renames hold
 * them back only for the moment of the swap.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildResult> {
  const tuning = { ...DEFAULT_REBUILD_TUNING, ...options.tuning };
  const session = await options.pool.connect();
  let failure: Error | undefined;
  try {
    const { rows } = await session.query<{ acquired: boolean }>(TRY_REBUILD_LOCK);
    if (rows[0]?.acquired !== true) throw new RebuildAlreadyRunningError();
    const rebuild = new Rebuild(session, options, tuning);
    try {
      const result = await rebuild.run();
      await session.query(RELEASE_REBUILD_LOCK);
      return result;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await rebuild.abandon(failure);
      throw error;
    }
  } finally {
    // A failed rebuild's session goes (and its advisory lock with it): it may be mid-transaction.
    session.release(failure);
  }
}

class Rebuild {
  private readonly tables: RebuildTables;
  private readonly writer = new ProjectionWriter({ projection: null, tables: NEXT_TABLES, notify: false });
  private readonly unappliable = new Unappliable();
  private meter = new RebuildProgressMeter(null);
  /** Everything up to here is in the fresh tables (committed). */
  private position = ORIGIN;
  private applied = 0;

  constructor(
    private readonly session: PoolClient,
    private readonly options: RebuildOptions,
    private readonly tuning: RebuildTuning,
  ) {
    this.tables = new RebuildTables(session);
  }

  async run(): Promise<RebuildResult> {
    const total = this.options.countEvents === undefined ? null : await this.options.countEvents();
    this.meter = new RebuildProgressMeter(total, this.options.onProgress);
    await this.tables.create();
    this.meter.enter('load');
    await this.load();
    this.meter.enter('index');
    await this.tables.completeIndexes();
    this.meter.enter('catch-up');
    await this.catchUp();
    this.meter.enter('swap');
    const swapped = await this.swapIn();
    this.meter.enter('done');
    const oldTablesDropped = await this.dropOldTables();
    return { ...swapped, oldTablesDropped };
  }

  /** Best effort: the fresh tables go, and the failure is on record. Nothing live was touched. */
  async abandon(error: Error): Promise<void> {
    await this.session.query('ROLLBACK').catch(() => undefined);
    await this.tables.dropNext().catch(() => undefined);
    await recordOperatorAction(this.options.pool, {
      action: 'rebuild',
      target: 'read_model',
      outcome: 'failed',
      detail: { error: messageOf(error), events: this.applied },
      performedBy: this.options.performedBy,
    }).catch(() => undefined);
  }

  /**
   * Reads chunk after chunk and folds it in memory, the next read and the last chunk's write running
   * while the current chunk folds. History rows are written as they come; account rows once, at the end.
   */
  private async load(): Promise<void> {
    const fold = new RebuildFold(this.unappliable);
    const size = this.tuning.loadChunk;
    let reading = this.read(this.position, size);
    let writing: Promise<void> = Promise.resolve();
    for (;;) {
      const events = await reading;
      const more = events.length === size;
      const last = events[events.length - 1];
      if (more && last !== undefined) reading = this.read(positionOf(last), size);
      const chunk = fold.apply(events.map(inputFromStore));
      await writing;
      writing = handled(this.writeChunk(chunk));
      if (last !== undefined) this.position = positionOf(last);
      this.applied += chunk.transactions.length + chunk.transferStates.length;
      this.meter.add(events.length);
      if (!more) break;
    }
    await writing;
    for (const views of fold.chunks(size)) await this.writer.write(this.session, planOf(views, []));
  }

  /** History rows by a plain insert; transfers' terms, states and legs through the projection's writer. */
  private async writeChunk(chunk: FoldedChunk): Promise<void> {
    if (chunk.transactions.length > 0) await this.session.query(INSERT_HISTORY, transactionArrays(chunk.transactions));
    if (chunk.transferStates.length > 0 || chunk.transferLegs.length > 0) {
      await this.writer.write(this.session, { ...planOf([], []), transferStates: chunk.transferStates, transferLegs: chunk.transferLegs });
    }
  }

  /** In transactions of one chunk, through the projector's writer, until a read comes back small. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const events = await this.options.readEvents(this.position, this.tuning.catchUpChunk);
      if (events.length > 0) {
        await this.session.query('BEGIN');
        try {
          this.applied += await this.applyToNext(events);
          await this.session.query('COMMIT');
        } catch (error) {
          await this.session.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        this.position = after(events, this.position);
        this.meter.add(events.length);
      }
      if (events.length < this.tuning.smallTail) return;
    }
  }

  /**
   * One transaction: lock the live tables against writes, apply the final tail, rename, announce,
   * record. Gives way (and catches up again) when the lock does not come within its timeout.
   */
  private async swapIn(): Promise<Omit<RebuildResult, 'oldTablesDropped'>> {
    for (let attempt = 1; attempt <= this.tuning.swapAttempts; attempt++) {
      await this.session.query('BEGIN');
      try {
        await this.session.query(SET_LOCK_TIMEOUT, [`${this.tuning.lockTimeoutMs}ms`]);
        if (!(await this.tryLock(LOCK_LIVE_TABLES))) {
          await this.session.query('ROLLBACK');
          await this.catchUp();
          continue;
        }
        const lockedAt = performance.now();
        const tail = await this.applyTail();
        const accounts = await this.countAccounts();
        if (!(await this.rename())) {
          await this.session.query('ROLLBACK');
          await this.catchUp();
          continue;
        }
        await announceChanges(this.session, 'everything');
        const events = this.applied + tail.applied;
        const seconds = this.meter.elapsedSeconds;
        const summary = {
          events,
          accounts,
          seconds,
          eventsPerSecond: seconds > 0 ? events / seconds : 0,
          unappliableEvents: this.unappliable.events,
          stuckAccounts: this.unappliable.accounts,
          swapAttempts: attempt,
        };
        const operatorActionId = await recordOperatorAction(this.session, {
          action: 'rebuild',
          target: 'read_model',
          outcome: 'completed',
          detail: { ...summary, stuckAccounts: summary.stuckAccounts.slice(0, 100) },
          performedBy: this.options.performedBy,
        });
        await this.session.query('COMMIT');
        const lockedMs = performance.now() - lockedAt;
        this.position = tail.position;
        this.applied = events;
        this.meter.add(tail.read);
        return { ...summary, lockedMs, operatorActionId };
      } catch (error) {
        await this.session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    throw new Error(`rebuild: the live tables could not be locked in ${this.tuning.swapAttempts} attempts`);
  }

  /** Under the lock, read until a read comes back short: then nothing the projector applied is missing. */
  private async applyTail(): Promise<{ applied: number; read: number; position: RebuildPosition }> {
    const size = this.tuning.catchUpChunk;
    let position = this.position;
    let applied = 0;
    let read = 0;
    for (;;) {
      const events = await this.options.readEvents(position, size);
      if (events.length > 0) {
        applied += await this.applyToNext(events);
        read += events.length;
        position = after(events, position);
      }
      if (events.length < size) return { applied, read, position };
    }
  }

  /**
   * The renames wait for running queries and make new ones wait behind them, so each try is short; a
   * savepoint lets a try give way without giving up the lock that holds the projector back.
   */
  private async rename(): Promise<boolean> {
    for (let attempt = 0; attempt < this.tuning.renameAttempts; attempt++) {
      await this.session.query('SAVEPOINT rebuild_swap');
      await this.session.query(SET_LOCK_TIMEOUT, [`${this.tuning.renameLockTimeoutMs}ms`]);
      try {
        await this.tables.swap();
        await this.session.query('RELEASE SAVEPOINT rebuild_swap');
        return true;
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        await this.session.query('ROLLBACK TO SAVEPOINT rebuild_swap');
        await sleep(backoffDelay(attempt, RENAME_RETRY));
      }
    }
    return false;
  }

  /** The swap has committed: a failure here only leaves garbage, which the next rebuild drops first. */
  private async dropOldTables(): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.session.query('BEGIN');
        await this.session.query(SET_LOCK_TIMEOUT, [`${this.tuning.lockTimeoutMs}ms`]);
        await this.tables.dropOld();
        await this.session.query('COMMIT');
        return true;
      } catch (error) {
        await this.session.query('ROLLBACK').catch(() => undefined);
        if (!isLockTimeout(error)) return false;
        await sleep(backoffDelay(attempt, DROP_RETRY));
      }
    }
    return false;
  }

  private async tryLock(statement: string): Promise<boolean> {
    try {
      await this.session.query(statement);
      return true;
    } catch (error) {
      if (isLockTimeout(error)) return false;
      throw error;
    }
  }

  /** Through the projector's own lock-plan-write, minus what only the projector does (parking, dead letters). */
  private async applyToNext(events: readonly RebuildSourceEvent[]): Promise<number> {
    const plan = await this.writer.planLocked(this.session, events.map(inputFromStore), 1, true);
    this.unappliable.count(plan);
    await this.writer.write(this.session, { ...plan, deadLetters: [], parks: [], held: [], transferParks: [], transferHeld: [] });
    return plan.appliedEventIds.length;
  }

  private async countAccounts(): Promise<number> {
    const { rows } = await this.session.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${NEXT_TABLES.accounts}`);
    return rows[0]?.count ?? 0;
  }

  private read(after: RebuildPosition, limit: number): Promise<readonly RebuildSourceEvent[]> {
    return handled(this.options.readEvents(after, limit));
  }
}

function planOf(views: readonly AccountView[], transactions: readonly TransactionRow[]): BatchPlan {
  return { views, transactions, appliedEventIds: [], deadLetters: [], parks: [], held: [], duplicates: 0, gapsClosed: [] };
}

function positionOf(event: RebuildSourceEvent): RebuildPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

/** Where reading resumes after `events` (read from `from`). */
function after(events: readonly RebuildSourceEvent[], from: RebuildPosition): RebuildPosition {
  const last = events[events.length - 1];
  return last === undefined ? from : positionOf(last);
}

/** A promise awaited later: its rejection must not count as unhandled meanwhile. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function isLockTimeout(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === LOCK_NOT_AVAILABLE;
}
