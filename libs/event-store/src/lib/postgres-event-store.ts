import { AppendNotifier, type NotifyClaim } from './append-notifier';
import { appendedResult, type AppendedRow } from './appended-rows';
import {
  assertValidAppendRequest,
  assertValidDueStreamsQuery,
  assertValidIdempotencyClaim,
  assertValidMultiStreamAppendRequest,
  assertValidIdempotencyRecord,
  assertValidStreamId,
} from './append-request.validation';
import {
  AppendRequest,
  AppendResult,
  DueStream,
  EventMetadata,
  EventStore,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecordRequest,
  JsonObject,
  JsonValue,
  MultiStreamAppendRequest,
  MultiStreamAppendResult,
  ReadStreamOptions,
  RecordIdempotencyResult,
  Snapshot,
  StoredEvent,
  StreamRead,
} from './event-store.port';
import {
  appendStatement,
  DUE_STREAMS_STATEMENT,
  FIND_IDEMPOTENCY_RECORD_STATEMENT,
  NOTIFY_STATEMENT,
  READ_STREAM_STATEMENT,
  RECORD_IDEMPOTENCY_STATEMENT,
} from './event-store.sql';
import { batchKeysOf, runAppendBatch, type AppendEntry, type BatchAppendHost } from './batch-append';
import { GroupCommitter, type GroupCommitOptions, type GroupCommitStats } from './group-commit';
import { appendStreamsAlone, type MultiStreamAppendHost } from './multi-stream-append';
import { isPool } from './pool-detection';
import type { Queryable } from './queryable';
import { storedEventFromRow, toVersion, type StoredEventRow } from './stored-event.row';
import { readStreamEvents } from './stream-events.reader';
import { eventRecord } from './event-record';
import { EVENT_ID_CONSTRAINT, IDEMPOTENCY_KEY_CONSTRAINT, STREAM_VERSION_CONSTRAINT, uniqueViolation } from './unique-violations';

/**
 * Ten: at 300 commands/s a window of five woke the relay half as often again, and the smaller batches
 * cost the pipeline 12% more CPU per command for 2 ms off the p50 (README, Benchmarks).
 */
const DEFAULT_NOTIFY_INTERVAL_MS = 10;

export interface PostgresEventStoreOptions {
  /**
   * NOTIFY `event_store_appended` with the stream id when an append commits, so the relay wakes
   * without waiting for its next poll. Default true.
   */
  readonly notify?: boolean;
  /**
   * At most one append per this many milliseconds carries the NOTIFY; appends that commit without it
   * are covered by the next one that does, or by a stand-alone NOTIFY (AppendNotifier). 0 = every
   * append. Default 10.
   */
  readonly notifyMinIntervalMs?: number;
  /**
   * Group commit (docs/design.md §11): appends to different streams that arrive while a commit is in flight
   * are coalesced into one statement and one commit, each with its own result. On by default when
   * the store runs on a pool; on a single session appends always go one by one. `false` turns it off.
   */
  readonly groupCommit?: boolean | GroupCommitOptions;
}

interface ReadRow {
  readonly is_snapshot: boolean;
  readonly version: string;
  readonly schema_version: number;
  readonly data: JsonObject;
  readonly global_position: string | null;
  readonly transaction_id: string | null;
  readonly event_id: string | null;
  readonly type: string | null;
  readonly metadata: EventMetadata | null;
  readonly occurred_at: Date | null;
}

interface DueStreamRow {
  readonly stream_id: string;
  readonly due_at: Date;
}

interface IdempotencyRow {
  readonly request_hash: string;
  readonly result: JsonValue;
}

/** The read's union gives snapshot rows nulls in the event columns; an event row has them all. */
function isEventRow(row: ReadRow): row is ReadRow & StoredEventRow {
  return (
    row.global_position !== null &&
    row.transaction_id !== null &&
    row.event_id !== null &&
    row.type !== null &&
    row.metadata !== null &&
    row.occurred_at !== null
  );
}

export class PostgresEventStore implements EventStore {
  private readonly notifier: AppendNotifier | null;
  private readonly committer: GroupCommitter<MultiStreamAppendRequest, MultiStreamAppendResult> | null;
  private fallbacks = 0;
  private readonly multiStreamHost: MultiStreamAppendHost;

  /** `pool`: a pg Pool (group commit possible), or a client or session (appends one by one). */
  constructor(
    private readonly pool: Queryable,
    options: PostgresEventStoreOptions = {},
  ) {
    this.notifier =
      (options.notify ?? true)
        ? new AppendNotifier(options.notifyMinIntervalMs ?? DEFAULT_NOTIFY_INTERVAL_MS, (streamId) => {
            // Best effort: the relay also polls, so a lost wake-up only delays delivery to its next poll.
            this.pool.query({ ...NOTIFY_STATEMENT, values: [streamId] }).catch(() => undefined);
          })
        : null;
    const groupCommit = options.groupCommit ?? true;
    this.multiStreamHost = {
      db: pool,
      findIdempotencyRecord: (claim) => this.findIdempotencyRecord(claim),
      claimNotify: () => this.claimNotify(),
      notifySettled: (claim, committedStreamId) => this.notifier?.settled(claim, committedStreamId),
    };
    const host: BatchAppendHost = {
      ...this.multiStreamHost,
      appendAlone: (request) => appendStreamsAlone(this.multiStreamHost, request),
      fellBack: () => {
        this.fallbacks += 1;
      },
    };
    this.committer =
      groupCommit !== false && isPool(pool)
        ? new GroupCommitter((entries) => this.runBatch(host, entries), groupCommit === true ? {} : groupCommit)
        : null;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    // Checked before queueing, so a bad request never reaches a batch.
    assertValidAppendRequest(request);
    if (this.committer === null) return this.appendAlone(request);
    const item = asMultiStream(request);
    return singleStreamResult(request, await this.committer.submit(item, batchKeysOf(item)));
  }

  /**
   * Every stream or none, in one transaction. With group commit, as one item of a batch (it commits or
   * fails whole, beside the batch's other items); otherwise, or when it creates several streams, alone.
   * On a single session, the session must not be inside a transaction of the caller's.
   */
  async appendStreams(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult> {
    assertValidMultiStreamAppendRequest(request);
    if (this.committer === null || createsSeveral(request)) return appendStreamsAlone(this.multiStreamHost, request);
    return this.committer.submit(request, batchKeysOf(request));
  }

  async dueStreams(now: Date, limit: number): Promise<readonly DueStream[]> {
    assertValidDueStreamsQuery(now, limit);
    const { rows } = await this.pool.query<DueStreamRow>({ ...DUE_STREAMS_STATEMENT, values: [now.toISOString(), limit] });
    return rows.map((row) => ({ streamId: row.stream_id, dueAt: row.due_at }));
  }

  /** Group commit's counters (zeros when it is off); `fallbacks` counts batches retried item by item. */
  groupCommitStats(): GroupCommitStats & { readonly fallbacks: number } {
    const stats = this.committer?.stats() ?? { batches: 0, items: 0, largestBatch: 0 };
    return { ...stats, fallbacks: this.fallbacks };
  }

  /**
   * A batch of one single-stream append (what a light load makes of nearly every append) runs the
   * one-stream statement: the same checks and writes, but a fraction of the batch statement's plan,
   * which costs Postgres about twice the CPU to start and run for one item.
   */
  private runBatch(host: BatchAppendHost, entries: readonly AppendEntry[]): Promise<void> {
    const only = entries.length === 1 ? entries[0] : undefined;
    const request = only === undefined ? undefined : asSingleStream(only.item);
    if (only === undefined || request === undefined) return runAppendBatch(host, entries);
    return this.appendAlone(request).then((result) => only.resolve(multiStreamResult(request, result)), only.reject);
  }

  /** One append as one statement: its own transaction, unless the session is inside the caller's. */
  private async appendAlone(request: AppendRequest): Promise<AppendResult> {
    const { streamId, expectedVersion, events, snapshot, idempotency } = request;
    const nextVersion = expectedVersion + events.length;
    const claim = this.claimNotify();
    const statement = appendStatement({
      creates: expectedVersion === 0,
      idempotency: idempotency !== undefined,
      snapshot: snapshot !== undefined,
      notify: claim !== null,
    });
    const values: unknown[] = [streamId, expectedVersion, nextVersion, JSON.stringify(events.map(eventRecord))];
    if (idempotency !== undefined) {
      values.push(idempotency.key, idempotency.scope ?? '', idempotency.requestHash, JSON.stringify(idempotency.result));
    }
    if (snapshot !== undefined) {
      values.push(snapshot.version, snapshot.schemaVersion, JSON.stringify(snapshot.state));
    }

    let rows: AppendedRow[];
    try {
      ({ rows } = await this.pool.query<AppendedRow>({ name: statement.name, text: statement.text, values }));
    } catch (error: unknown) {
      switch (uniqueViolation(error)) {
        case IDEMPOTENCY_KEY_CONSTRAINT: {
          if (idempotency === undefined) throw error;
          // The key's first use has committed (a unique check waits for the other transaction).
          const record = await this.findIdempotencyRecord(idempotency);
          if (record === null) throw new Error('event store: idempotency key reported used but not found', { cause: error });
          return { kind: 'idempotency-key-used', record };
        }
        case STREAM_VERSION_CONSTRAINT:
          // The stream row normally catches this first; the unique index is the backstop.
          return { kind: 'conflict', expectedVersion };
        case EVENT_ID_CONSTRAINT:
          throw new Error('event store: an event with this eventId is already stored', { cause: error });
        default:
          throw error;
      }
    }

    this.notifier?.settled(claim, rows.length === 0 ? null : streamId);
    if (rows.length === 0) return { kind: 'conflict', expectedVersion };
    return appendedResult(request, rows);
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<StreamRead> {
    assertValidStreamId(streamId);
    if (!Number.isSafeInteger(options.snapshotSchemaVersion) || options.snapshotSchemaVersion < 1) {
      throw new Error('event store: snapshotSchemaVersion must be a positive integer');
    }
    if (options.ignoreSnapshot === true) {
      const events = await readStreamEvents(this.pool, streamId);
      return { version: events[events.length - 1]?.version ?? 0, snapshot: null, events };
    }
    const { rows } = await this.pool.query<ReadRow>({
      ...READ_STREAM_STATEMENT,
      values: [streamId, options.snapshotSchemaVersion],
    });
    let snapshot: Snapshot | null = null;
    const events: StoredEvent[] = [];
    for (const row of rows) {
      if (row.is_snapshot) {
        snapshot = { version: toVersion(row.version), schemaVersion: row.schema_version, state: row.data };
      } else {
        events.push(this.toStoredEvent(streamId, row));
      }
    }
    const last = events[events.length - 1];
    const version = last !== undefined ? last.version : (snapshot?.version ?? 0);
    return { version, snapshot, events };
  }

  async findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    assertValidIdempotencyClaim(claim);
    const { rows } = await this.pool.query<IdempotencyRow>({
      ...FIND_IDEMPOTENCY_RECORD_STATEMENT,
      values: [claim.scope ?? '', claim.key],
    });
    const row = rows[0];
    if (row === undefined) return null;
    return { requestHash: row.request_hash, result: row.result };
  }

  async recordIdempotencyResult(request: IdempotencyRecordRequest): Promise<RecordIdempotencyResult> {
    assertValidStreamId(request.streamId);
    assertValidIdempotencyRecord(request);
    const { rowCount } = await this.pool.query({
      ...RECORD_IDEMPOTENCY_STATEMENT,
      values: [request.key, request.scope ?? '', request.requestHash, JSON.stringify(request.result), request.streamId],
    });
    if (rowCount === 1) return { kind: 'recorded' };
    const record = await this.findIdempotencyRecord(request);
    if (record === null) throw new Error('event store: idempotency key reported used but not found');
    return { kind: 'idempotency-key-used', record };
  }

  private claimNotify(): NotifyClaim | null {
    return this.notifier?.claim() ?? null;
  }

  private toStoredEvent(streamId: string, row: ReadRow): StoredEvent {
    if (!isEventRow(row)) throw new Error(`event store: incomplete event row in stream ${JSON.stringify(streamId)}`);
    return storedEventFromRow(streamId, row);
  }
}

/** Whether a request creates more than one stream: a batch has no way to refuse it whole (batch-append.sql.ts). */
function createsSeveral(request: MultiStreamAppendRequest): boolean {
  return request.streams.filter((s) => s.expectedVersion === 0).length > 1;
}

/** A single append as the one-stream request a batch carries. */
function asMultiStream({ streamId, expectedVersion, events, snapshot, idempotency }: AppendRequest): MultiStreamAppendRequest {
  return {
    streams: [{ streamId, expectedVersion, events, ...(snapshot ? { snapshot } : {}) }],
    ...(idempotency ? { idempotency } : {}),
  };
}

/** A batch item that is a single append (one stream, no deadlines), as that append; else undefined. */
function asSingleStream({ streams, idempotency, deadlines }: MultiStreamAppendRequest): AppendRequest | undefined {
  const [stream, ...more] = streams;
  if (stream === undefined || more.length > 0 || (deadlines !== undefined && deadlines.length > 0)) return undefined;
  return { ...stream, ...(idempotency ? { idempotency } : {}) };
}

/** A single append's result as the one-stream request's. */
function multiStreamResult(request: AppendRequest, result: AppendResult): MultiStreamAppendResult {
  switch (result.kind) {
    case 'appended':
      return { kind: 'appended', streams: [{ streamId: request.streamId, nextVersion: result.nextVersion, events: result.events }] };
    case 'conflict':
      return { kind: 'conflict', streamId: request.streamId, expectedVersion: request.expectedVersion };
    case 'idempotency-key-used':
      return result;
    default: {
      const _exhaustive: never = result;
      throw new Error(`event store: unhandled append result ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** A one-stream request's result as the single append's. */
function singleStreamResult(request: AppendRequest, result: MultiStreamAppendResult): AppendResult {
  switch (result.kind) {
    case 'appended': {
      const stream = result.streams[0];
      if (stream === undefined) throw new Error('event store: an append returned no stream');
      return { kind: 'appended', nextVersion: stream.nextVersion, events: stream.events };
    }
    case 'conflict':
      return { kind: 'conflict', expectedVersion: request.expectedVersion };
    case 'idempotency-key-used':
      return result;
    default: {
      const _exhaustive: never = result;
      throw new Error(`event store: unhandled append result ${JSON.stringify(_exhaustive)}`);
    }
  }
}
