import { DatabaseError } from 'pg';
import type { NotifyClaim } from './append-notifier';
import { appendedResult, type AppendedRow } from './appended-rows';
import { batchAppendStatement } from './batch-append.sql';
import { eventRecord } from './event-record';
import type { AppendedStream, IdempotencyRecord, MultiStreamAppendRequest, MultiStreamAppendResult } from './event-store.port';
import type { BatchEntry } from './group-commit';
import type { Queryable } from './queryable';

/** What a batch needs from the store that runs it. */
export interface BatchAppendHost {
  readonly db: Queryable;
  /** One request in a statement of its own (the batch statement with one item), for the fallback. */
  appendAlone(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult>;
  /** Whether this commit carries the NOTIFY (AppendNotifier); `notifySettled` is told how it ended. */
  claimNotify(): NotifyClaim | null;
  notifySettled(claim: NotifyClaim | null, committedStreamId: string | null): void;
  /** A batch statement failed and its items were appended one by one. */
  fellBack(): void;
}

/** One row of the batch statement: an event written for item `i`, or item `i` refused (batch-append.sql.ts). */
interface BatchRow {
  readonly i: number;
  readonly stream_id: string | null;
  readonly global_position: string | null;
  readonly transaction_id: string | null;
  readonly version: string | null;
  readonly request_hash: string | null;
  readonly result: string | null;
}

export type AppendEntry = BatchEntry<MultiStreamAppendRequest, MultiStreamAppendResult>;

/** Streams and keys an append must not share a batch with (see GroupCommitter). */
export function batchKeysOf(request: MultiStreamAppendRequest): string[] {
  const keys = request.streams.map((s) => `s:${s.streamId}`);
  if (request.idempotency !== undefined) keys.push(`k:${JSON.stringify([request.idempotency.scope ?? '', request.idempotency.key])}`);
  return keys;
}

/** The statement's five jsonb parameters, as arrays of JSON texts each entry adds to. */
type Fragments = [string[], string[], string[], string[], string[]];

/** Item `i`'s records (see batch-append.sql.ts for the parameters); throws on a value JSON cannot hold. */
function encodeItem(i: number, { streams, idempotency, deadlines = [] }: MultiStreamAppendRequest): Fragments {
  const item = JSON.stringify({
    i,
    key: idempotency?.key,
    scope: idempotency === undefined ? undefined : (idempotency.scope ?? ''),
    request_hash: idempotency?.requestHash,
    // As text, cast to json by the statement: through jsonb its keys would be reordered.
    result: idempotency === undefined ? undefined : JSON.stringify(idempotency.result),
    key_stream: streams[0]?.streamId,
  });
  const fragments: Fragments = [[item], [], [], [], []];
  for (const { streamId, expectedVersion, events, snapshot } of streams) {
    fragments[1].push(JSON.stringify({ i, stream_id: streamId, expected: expectedVersion, next: expectedVersion + events.length }));
    events.forEach((e, n) =>
      fragments[2].push(JSON.stringify({ stream_id: streamId, version: expectedVersion + n + 1, ...eventRecord(e) })),
    );
    if (snapshot !== undefined) {
      fragments[3].push(
        JSON.stringify({ stream_id: streamId, version: snapshot.version, schema_version: snapshot.schemaVersion, state: snapshot.state }),
      );
    }
  }
  for (const { streamId, dueAt } of deadlines)
    fragments[4].push(JSON.stringify({ stream_id: streamId, due_at: dueAt?.toISOString() ?? null }));
  return fragments;
}

/**
 * The statement's parameters for the entries that encode; one that does not (a value JSON cannot
 * hold, say) is rejected alone. An entry's index in `ready` is its item number.
 */
export function encodeBatch(entries: readonly AppendEntry[]): { ready: AppendEntry[]; values: string[] } {
  const ready: AppendEntry[] = [];
  const all: Fragments = [[], [], [], [], []];
  for (const entry of entries) {
    try {
      joinFragments(all, encodeItem(ready.length, entry.item));
    } catch (error: unknown) {
      entry.reject(error);
      continue;
    }
    ready.push(entry);
  }
  return { ready, values: all.map((list) => `[${list.join(',')}]`) };
}

/** One request's parameters as item 0; throws when it does not encode. */
export function encodeAlone(request: MultiStreamAppendRequest): string[] {
  return encodeItem(0, request).map((list) => `[${list.join(',')}]`);
}

function joinFragments(into: Fragments, fragments: Fragments): void {
  fragments.forEach((list, n) => into[n]?.push(...list));
}

/** Runs the statement for `requests` (distinct streams and keys) and answers each, in order. */
export async function appendBatchStatement(
  db: Queryable,
  notify: boolean,
  values: readonly string[],
  requests: readonly MultiStreamAppendRequest[],
): Promise<MultiStreamAppendResult[]> {
  const statement = batchAppendStatement(notify);
  const { rows } = await db.query<BatchRow>({ name: statement.name, text: statement.text, values: [...values] });
  const byItem: BatchRow[][] = requests.map(() => []);
  for (const row of rows) byItem[row.i]?.push(row);
  return requests.map((request, i) => outcomeOf(request, byItem[i] ?? []));
}

/** Item `request`'s outcome from its rows: its events, or the refusal row. */
function outcomeOf(request: MultiStreamAppendRequest, rows: readonly BatchRow[]): MultiStreamAppendResult {
  const refusal = rows.find((row) => row.global_position === null);
  if (refusal === undefined) return { kind: 'appended', streams: appendedStreams(request, rows as readonly WrittenRow[]) };
  if (refusal.request_hash !== null && refusal.result !== null) {
    const record: IdempotencyRecord = { requestHash: refusal.request_hash, result: JSON.parse(refusal.result) };
    return { kind: 'idempotency-key-used', record };
  }
  const stream = request.streams.find((s) => s.streamId === refusal.stream_id);
  if (stream === undefined) throw new Error('event store: a refused append names no stream of its own');
  return { kind: 'conflict', streamId: stream.streamId, expectedVersion: stream.expectedVersion };
}

type WrittenRow = BatchRow & AppendedRow & { readonly stream_id: string };

/** The appended streams in the request's order, from the rows the write returned. */
function appendedStreams({ streams }: MultiStreamAppendRequest, rows: readonly WrittenRow[]): AppendedStream[] {
  return streams.map(({ streamId, expectedVersion, events }) => {
    const result = appendedResult(
      { streamId, expectedVersion, events },
      rows.filter((row) => row.stream_id === streamId),
    );
    if (result.kind !== 'appended') throw new Error(`event store: stream ${JSON.stringify(streamId)} was not appended`);
    return { streamId, nextVersion: result.nextVersion, events: result.events };
  });
}

/**
 * An ERROR reported by the server for an autocommit statement means it rolled back whole, so its
 * items can be run again one by one. Anything else (a lost connection, a FATAL) leaves the outcome
 * unknown: retrying could report a committed append as a conflict, so those items get the error.
 */
function rolledBack(error: unknown): boolean {
  return error instanceof DatabaseError && error.severity === 'ERROR';
}

/** Runs `entries` (distinct streams and keys) as one statement and settles each with its own result. */
export async function runAppendBatch(host: BatchAppendHost, entries: readonly AppendEntry[]): Promise<void> {
  const { ready, values } = encodeBatch(entries);
  if (ready.length === 0) return;
  const claim = host.claimNotify();
  let results: MultiStreamAppendResult[];
  try {
    results = await appendBatchStatement(
      host.db,
      claim !== null,
      values,
      ready.map((entry) => entry.item),
    );
  } catch (error: unknown) {
    if (!rolledBack(error)) throw error;
    host.fellBack();
    await Promise.all(ready.map((entry) => host.appendAlone(entry.item).then(entry.resolve, entry.reject)));
    return;
  }
  const written = results.findIndex((result) => result.kind === 'appended');
  host.notifySettled(claim, written >= 0 ? (ready[written]?.item.streams[0]?.streamId ?? '') : null);
  ready.forEach((entry, i) => {
    const result = results[i];
    if (result === undefined) entry.reject(new Error('event store: a batch left an item without a result'));
    else entry.resolve(result);
  });
}
