import { DatabaseError } from 'pg';
import { appendedResult, type AppendedRow } from './appended-rows';
import { batchAppendStatement } from './batch-append.sql';
import { eventRecord } from './event-record';
import type { AppendRequest, AppendResult, IdempotencyClaim, IdempotencyRecord } from './event-store.port';
import type { BatchEntry } from './group-commit';
import type { Queryable } from './queryable';

/** What a batch needs from the store that runs it. */
export interface BatchAppendHost {
  readonly db: Queryable;
  /** The one-statement append of a single request, for the fallback. */
  appendAlone(request: AppendRequest): Promise<AppendResult>;
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Whether this commit should carry the NOTIFY; when it does not, `committedQuietly` is told. */
  claimNotify(): boolean;
  committedQuietly(streamId: string): void;
  /** A batch statement failed and its items were appended one by one. */
  fellBack(): void;
}

interface BatchRow extends AppendedRow {
  readonly stream_id: string;
}

export type AppendEntry = BatchEntry<AppendRequest, AppendResult>;

/** Streams and keys an append must not share a batch with (see GroupCommitter). */
export function batchKeysOf(request: AppendRequest): string[] {
  const keys = [`s:${request.streamId}`];
  if (request.idempotency !== undefined) keys.push(`k:${JSON.stringify([request.idempotency.scope ?? '', request.idempotency.key])}`);
  return keys;
}

/** One append's record and its events' records, as JSON text (fragments of the two parameters). */
function encodeAppend({ streamId, expectedVersion, events, idempotency, snapshot }: AppendRequest): [string, string] {
  const item = JSON.stringify({
    stream_id: streamId,
    expected: expectedVersion,
    next: expectedVersion + events.length,
    key: idempotency?.key,
    scope: idempotency === undefined ? undefined : (idempotency.scope ?? ''),
    request_hash: idempotency?.requestHash,
    result: idempotency === undefined ? undefined : JSON.stringify(idempotency.result),
    snapshot_version: snapshot?.version,
    snapshot_schema_version: snapshot?.schemaVersion,
    snapshot_state: snapshot?.state,
  });
  const records = events.map((e, i) => JSON.stringify({ stream_id: streamId, version: expectedVersion + i + 1, ...eventRecord(e) }));
  return [item, records.join(',')];
}

/**
 * The statement's two jsonb parameters (one record per append, one per event) for the entries that
 * encode; one that does not (a value JSON cannot hold, say) is rejected alone.
 */
export function encodeBatch(entries: readonly AppendEntry[]): { ready: AppendEntry[]; values: [string, string] } {
  const ready: AppendEntry[] = [];
  const items: string[] = [];
  const events: string[] = [];
  for (const entry of entries) {
    try {
      const [item, records] = encodeAppend(entry.item);
      items.push(item);
      events.push(records);
      ready.push(entry);
    } catch (error: unknown) {
      entry.reject(error);
    }
  }
  return { ready, values: [`[${items.join(',')}]`, `[${events.join(',')}]`] };
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
  const notify = host.claimNotify();
  const statement = batchAppendStatement(notify);
  let rows: BatchRow[];
  try {
    ({ rows } = await host.db.query<BatchRow>({ name: statement.name, text: statement.text, values }));
  } catch (error: unknown) {
    if (!rolledBack(error)) throw error;
    host.fellBack();
    await Promise.all(ready.map((entry) => host.appendAlone(entry.item).then(entry.resolve, entry.reject)));
    return;
  }
  const byStream = new Map<string, BatchRow[]>();
  for (const row of rows) {
    const list = byStream.get(row.stream_id);
    if (list === undefined) byStream.set(row.stream_id, [row]);
    else list.push(row);
  }
  if (!notify && byStream.size > 0) host.committedQuietly(rows[0]?.stream_id ?? '');
  await Promise.all(ready.map((entry) => settle(host, entry, byStream.get(entry.item.streamId))));
}

async function settle(host: BatchAppendHost, entry: AppendEntry, rows: BatchRow[] | undefined): Promise<void> {
  const request = entry.item;
  try {
    if (rows !== undefined) return entry.resolve(appendedResult(request, rows));
    // Left out because its key was used, or refused on its version: only the record can tell.
    const record = request.idempotency && (await host.findIdempotencyRecord(request.idempotency));
    entry.resolve(record ? { kind: 'idempotency-key-used', record } : { kind: 'conflict', expectedVersion: request.expectedVersion });
  } catch (error: unknown) {
    entry.reject(error);
  }
}
