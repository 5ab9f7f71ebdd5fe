import { DatabaseError } from 'pg';
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
import { STREAM_VERSIONS_STATEMENT, appendStreamsStatement } from './multi-stream-append.sql';
import type { Queryable } from './queryable';

/** What a multi-stream append needs from the store that runs it. */
export interface MultiStreamAppendHost {
  /** A pool or a session outside any transaction (the statement is its own). */
  readonly db: Queryable;
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Whether this commit should carry the NOTIFY; when it does not, `committedQuietly` is told. */
  claimNotify(): boolean;
  committedQuietly(streamId: string): void;
}

interface VersionRow {
  readonly stream_id: string;
  readonly version: string;
}

interface WrittenRow extends AppendedRow {
  readonly stream_id: string;
}

const UNIQUE_VIOLATION = '23505';
/** The statement's way of saying a stream is not at its expected version (see multi-stream-append.sql.ts). */
const DIVISION_BY_ZERO = '22012';
const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_keys_pkey';
const STREAM_VERSION_CONSTRAINT = 'events_stream_id_version_key';
const EVENT_ID_CONSTRAINT = 'events_event_id_key';

/** One global order for reporting the first conflicting stream: code-point order, as the in-memory store. */
function byStreamId(a: StreamAppend, b: StreamAppend): number {
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
}

/**
 * A multi-stream append (already validated) as ONE statement, its own implicit transaction: lock and
 * advance every stream row in stream-id order, then write events, key, snapshots and deadlines; any
 * stream off its expected version, or a used key, fails the statement and so rolls all of it back.
 * Every event shares the transaction's id, so the relay's per-stream order holds for each stream. One
 * round trip instead of BEGIN, two statements and COMMIT.
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
  const { streams, idempotency, deadlines = [] } = request;
  const firstStream = streams[0]?.streamId ?? '';
  const statement = appendStreamsStatement(host.claimNotify());
  let rows: WrittenRow[];
  try {
    ({ rows } = await host.db.query<WrittenRow>({
      name: statement.name,
      text: statement.text,
      values: [
        JSON.stringify(
          streams.map((s) => ({ stream_id: s.streamId, expected: s.expectedVersion, next: s.expectedVersion + s.events.length })),
        ),
        JSON.stringify(
          streams.flatMap((s) =>
            s.events.map((e, i) => ({ stream_id: s.streamId, version: s.expectedVersion + i + 1, ...eventRecord(e) })),
          ),
        ),
        JSON.stringify(
          streams.flatMap((s) =>
            s.snapshot === undefined
              ? []
              : [{ stream_id: s.streamId, version: s.snapshot.version, schema_version: s.snapshot.schemaVersion, state: s.snapshot.state }],
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
  } catch (error: unknown) {
    return refused(host, request, error);
  }
  if (!statement.notifies) host.committedQuietly(firstStream);
  return { kind: 'appended', streams: appendedStreams(streams, rows) };
}

/** The first stream, in stream-id order, that is not where the request expected it now. */
async function conflictingStream(host: MultiStreamAppendHost, request: MultiStreamAppendRequest): Promise<StreamAppend | undefined> {
  const sorted = [...request.streams].sort(byStreamId);
  const { rows } = await host.db.query<VersionRow>({ ...STREAM_VERSIONS_STATEMENT, values: [sorted.map((s) => s.streamId)] });
  const versions = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
  // Versions only grow, so a stream off its version stays off; one that lost only the commit-order
  // guard may look in place again, and the first stream stands for it.
  return sorted.find((s) => (versions.get(s.streamId) ?? 0) !== s.expectedVersion) ?? sorted[0];
}

/** What a statement's error means for the request, once rolled back; rethrows what it cannot answer. */
async function refused(host: MultiStreamAppendHost, request: MultiStreamAppendRequest, error: unknown): Promise<MultiStreamAppendResult> {
  const constraint = error instanceof DatabaseError && error.code === UNIQUE_VIOLATION ? (error.constraint ?? '') : null;
  if (constraint === null && error instanceof DatabaseError && error.code === DIVISION_BY_ZERO) {
    const stream = await conflictingStream(host, request);
    if (stream === undefined) throw error;
    return { kind: 'conflict', streamId: stream.streamId, expectedVersion: stream.expectedVersion };
  }
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
