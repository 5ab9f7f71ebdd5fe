import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { appendedResult, type AppendedRow } from './appended-rows';
import { eventRecord } from './event-record';
import type {
  AppendedStream,
  IdempotencyClaim,
  IdempotencyRecord,
  MultiStreamAppendRequest,
  MultiStreamAppendResult,
  StreamAppend,
} from './event-store.port';
import { LOCK_STREAMS_STATEMENT, writeStreamsStatement } from './multi-stream-append.sql';
import { isPool } from './pool-detection';
import type { Queryable } from './queryable';

/** What a multi-stream append needs from the store that runs it. */
export interface MultiStreamAppendHost {
  /** A pool (a connection is taken for the transaction) or a session outside any transaction. */
  readonly db: Queryable;
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Whether this commit should carry the NOTIFY; when it does not, `committedQuietly` is told. */
  claimNotify(): boolean;
  committedQuietly(streamId: string): void;
}

interface StreamRow {
  readonly stream_id: string;
}

interface WrittenRow extends AppendedRow {
  readonly stream_id: string;
}

const UNIQUE_VIOLATION = '23505';
const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_keys_pkey';
const STREAM_VERSION_CONSTRAINT = 'events_stream_id_version_key';
const EVENT_ID_CONSTRAINT = 'events_event_id_key';

/** One global order for reporting the first conflicting stream: code-point order, as the in-memory store. */
function byStreamId(a: StreamAppend, b: StreamAppend): number {
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
}

/**
 * A multi-stream append (already validated) in ONE transaction of its own: lock and advance every
 * stream row in stream-id order, then write events, key, snapshots and deadlines, then commit; any
 * stream off its expected version, or a used key, rolls all of it back. Every event shares the
 * transaction's id, so the relay's per-stream order holds for each stream.
 *
 * It does not go through group commit: the batch statement lets each item commit or fail on its own
 * (its upsert advances every stream whose version matched), so it cannot make several streams one
 * all-or-nothing item. It runs beside the batches instead; both take stream rows in stream-id order
 * before writing anything else, so neither can deadlock the other, and expected versions decide
 * between them as between any two writers.
 */
export async function appendStreamsInTransaction(
  host: MultiStreamAppendHost,
  request: MultiStreamAppendRequest,
): Promise<MultiStreamAppendResult> {
  const pooled = isPool(host.db);
  const session: Queryable | PoolClient = pooled ? await (host.db as unknown as Pool).connect() : host.db;
  let broken: unknown;
  try {
    return await runTransaction(host, session, request);
  } catch (error: unknown) {
    // A statement refused by the server leaves the connection usable; anything else may not.
    if (!(error instanceof DatabaseError)) broken = error;
    throw error;
  } finally {
    if (pooled) (session as PoolClient).release(broken !== undefined);
  }
}

async function runTransaction(
  host: MultiStreamAppendHost,
  session: Queryable,
  request: MultiStreamAppendRequest,
): Promise<MultiStreamAppendResult> {
  const { streams, idempotency, deadlines = [] } = request;
  const firstStream = streams[0]?.streamId ?? '';
  await session.query('BEGIN');
  let outcome: MultiStreamAppendResult | null = null;
  let rows: WrittenRow[] = [];
  let notifies = false;
  try {
    const locked = await session.query<StreamRow>({
      ...LOCK_STREAMS_STATEMENT,
      values: [
        JSON.stringify(
          streams.map((s) => ({ stream_id: s.streamId, expected: s.expectedVersion, next: s.expectedVersion + s.events.length })),
        ),
      ],
    });
    const held = new Set(locked.rows.map((r) => r.stream_id));
    const conflicting = [...streams].sort(byStreamId).find((s) => !held.has(s.streamId));
    if (conflicting !== undefined) {
      outcome = { kind: 'conflict', streamId: conflicting.streamId, expectedVersion: conflicting.expectedVersion };
    } else {
      const statement = writeStreamsStatement(host.claimNotify());
      notifies = statement.notifies;
      ({ rows } = await session.query<WrittenRow>({
        name: statement.name,
        text: statement.text,
        values: [
          JSON.stringify(
            streams.flatMap((s) =>
              s.events.map((e, i) => ({ stream_id: s.streamId, version: s.expectedVersion + i + 1, ...eventRecord(e) })),
            ),
          ),
          JSON.stringify(
            streams.flatMap((s) =>
              s.snapshot === undefined
                ? []
                : [
                    {
                      stream_id: s.streamId,
                      version: s.snapshot.version,
                      schema_version: s.snapshot.schemaVersion,
                      state: s.snapshot.state,
                    },
                  ],
            ),
          ),
          JSON.stringify(deadlines.map((d) => ({ stream_id: d.streamId, due_at: d.dueAt?.toISOString() ?? null }))),
          idempotency?.key ?? null,
          idempotency === undefined ? null : (idempotency.scope ?? ''),
          idempotency?.requestHash ?? null,
          idempotency === undefined ? null : JSON.stringify(idempotency.result),
          firstStream,
        ],
      }));
    }
  } catch (error: unknown) {
    await rollBack(session);
    return refused(host, request, error);
  }
  if (outcome !== null) {
    await rollBack(session);
    return outcome;
  }
  await session.query('COMMIT');
  if (!notifies) host.committedQuietly(firstStream);
  return { kind: 'appended', streams: appendedStreams(streams, rows) };
}

/** Best effort: a failed ROLLBACK means the connection is gone, which ends the transaction too. */
async function rollBack(session: Queryable): Promise<void> {
  await session.query('ROLLBACK').catch(() => undefined);
}

/** What a statement's error means for the request, once rolled back; rethrows what it cannot answer. */
async function refused(host: MultiStreamAppendHost, request: MultiStreamAppendRequest, error: unknown): Promise<MultiStreamAppendResult> {
  const constraint = error instanceof DatabaseError && error.code === UNIQUE_VIOLATION ? (error.constraint ?? '') : null;
  switch (constraint) {
    case IDEMPOTENCY_KEY_CONSTRAINT: {
      if (request.idempotency === undefined) throw error;
      // The key's first use has committed (a unique check waits for the other transaction).
      const record = await host.findIdempotencyRecord(request.idempotency);
      if (record === null) throw new Error('event store: idempotency key reported used but not found', { cause: error });
      return { kind: 'idempotency-key-used', record };
    }
    case STREAM_VERSION_CONSTRAINT: {
      // The stream rows normally catch this first; the unique index is the backstop.
      const detail = error instanceof DatabaseError ? (error.detail ?? '') : '';
      const stream = request.streams.find((s) => detail.includes(`(${s.streamId},`)) ?? [...request.streams].sort(byStreamId)[0];
      if (stream === undefined) throw error;
      return { kind: 'conflict', streamId: stream.streamId, expectedVersion: stream.expectedVersion };
    }
    case EVENT_ID_CONSTRAINT:
      throw new Error('event store: an event with this eventId is already stored', { cause: error });
    default:
      throw error;
  }
}

/** The appended streams in the request's order, from the rows the write returned. */
function appendedStreams(streams: readonly StreamAppend[], rows: readonly WrittenRow[]): AppendedStream[] {
  const byStream = new Map<string, WrittenRow[]>();
  for (const row of rows) {
    const list = byStream.get(row.stream_id);
    if (list === undefined) byStream.set(row.stream_id, [row]);
    else list.push(row);
  }
  return streams.map(({ streamId, expectedVersion, events }) => {
    const result = appendedResult({ streamId, expectedVersion, events }, byStream.get(streamId) ?? []);
    if (result.kind !== 'appended') throw new Error(`event store: stream ${JSON.stringify(streamId)} was not appended`);
    return { streamId, nextVersion: result.nextVersion, events: result.events };
  });
}
