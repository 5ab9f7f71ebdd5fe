export * from './lib/event-store.port';
export * from './lib/postgres-event-store';
export * from './lib/event-store.migrations';
export { EVENT_STORE_APPENDED_CHANNEL } from './lib/event-store.sql';
export { snapshotDue, DEFAULT_SNAPSHOT_EVERY } from './lib/snapshot-policy';
export { MAX_IDEMPOTENCY_KEY_LENGTH, MAX_STREAM_ID_LENGTH } from './lib/append-request.validation';
export * from './lib/committed-events.reader';
export { bulkAppend, type BulkEvent } from './lib/testing/bulk-append';
export { readStreamEvents, type ReadStreamEventsOptions } from './lib/stream-events.reader';
