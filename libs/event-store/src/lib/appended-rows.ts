import type { AppendRequest, AppendResult, StoredEvent } from './event-store.port';
import { toVersion } from './stored-event.row';

/** What an append's statement returns per inserted event (bigints as text). */
export interface AppendedRow {
  readonly global_position: string;
  readonly transaction_id: string;
  readonly version: string;
}

/** The appended result of `request` from its inserted rows; throws when they do not match its events. */
export function appendedResult(request: AppendRequest, rows: readonly AppendedRow[]): AppendResult {
  const { streamId, expectedVersion, events } = request;
  if (rows.length !== events.length) {
    throw new Error(`event store: appended ${rows.length} rows for ${events.length} events`);
  }
  const stored: StoredEvent[] = rows.map((row) => {
    const version = toVersion(row.version);
    const event = events[version - expectedVersion - 1];
    if (event === undefined) throw new Error(`event store: unexpected version ${version} appended`);
    return { ...event, streamId, version, globalPosition: row.global_position, transactionId: row.transaction_id };
  });
  return { kind: 'appended', nextVersion: expectedVersion + events.length, events: stored };
}
