/**
 * The event store port. Generic over event payloads: it stores JSON and knows nothing of accounts.
 * `PostgresEventStore` is the adapter; apps bind the port to it in their Nest modules.
 */
import type { JsonObject, JsonValue } from '@ledger/primitives';

/** The JSON the store keeps (`@ledger/primitives`), named here as part of the port. */
export type { JsonObject, JsonValue };

/** Who caused an event: the token's subject and, when the token names one, its client. */
export interface EventActor {
  readonly sub: string;
  readonly clientId: string | null;
}

export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The audit trail; absent on events stored before it was recorded. */
  readonly actor?: EventActor;
  /** W3C trace context, carried on to Kafka headers by the relay. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  readonly version: number;
  /** bigserial; as a decimal string because it may exceed 2^53. */
  readonly globalPosition: string;
  /** xid8 of the appending transaction, as a decimal string. */
  readonly transactionId: string;
}

export interface Snapshot {
  readonly version: number;
  readonly schemaVersion: number;
  readonly state: JsonObject;
}

export interface StreamRead {
  /** The stream's version after the snapshot and all events below; 0 when the stream does not exist. */
  readonly version: number;
  readonly snapshot: Snapshot | null;
  /** Events after the snapshot, in version order, as written (readers upcast them as they decode them). */
  readonly events: readonly StoredEvent[];
}

/**
 * What an idempotency key remembers: the request it was first used with and its result (the command
 * handler records the command's outcome: its events and state, or its rejection).
 */
export interface IdempotencyRecord {
  readonly requestHash: string;
  /** Opaque to the store: whatever JSON the caller chose, returned as it was given (key order kept). */
  readonly result: JsonValue;
}

/** A key's record written without events (a refused command), to the stream the command named. */
export interface IdempotencyRecordRequest extends IdempotencyClaim {
  readonly streamId: string;
  readonly requestHash: string;
  readonly result: JsonValue;
}

export type RecordIdempotencyResult =
  | { readonly kind: 'recorded' }
  /** The key was already used (perhaps by a request committing meanwhile); nothing written. */
  | { readonly kind: 'idempotency-key-used'; readonly record: IdempotencyRecord };

export interface AppendRequest {
  readonly streamId: string;
  /** 0 means the stream must not exist yet. */
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
  /** Written in the same transaction when given (the caller decides when a snapshot is due). */
  readonly snapshot?: Snapshot;
  /** Stored in the same transaction as the events, so a retry can replay the first result. */
  readonly idempotency?: IdempotencyClaim & { readonly requestHash: string; readonly result: JsonValue };
}

/**
 * An idempotency key and whose it is: keys are unique per `scope` (opaque to the store, at most 255
 * characters; the empty scope when absent), so the same key in two scopes are two keys.
 */
export interface IdempotencyClaim {
  readonly key: string;
  readonly scope?: string;
}

export type AppendResult =
  | { readonly kind: 'appended'; readonly nextVersion: number; readonly events: readonly StoredEvent[] }
  /** The stream is not at `expectedVersion` (or the append would break commit order): nothing written. */
  | { readonly kind: 'conflict'; readonly expectedVersion: number }
  /** The idempotency key was already used; nothing written. The stored record decides replay vs 422. */
  | { readonly kind: 'idempotency-key-used'; readonly record: IdempotencyRecord };

/** One stream's share of a multi-stream append: its events at its own expected version. */
export interface StreamAppend {
  readonly streamId: string;
  /** 0 means the stream must not exist yet. */
  readonly expectedVersion: number;
  /** At least one event. */
  readonly events: readonly NewEvent[];
  readonly snapshot?: Snapshot;
}

/**
 * When a stream wants attention (a hold's expiry, say): set or cleared with an append, in its
 * transaction, and found again with `dueStreams`. The store knows nothing of what it means.
 */
export interface StreamDeadline {
  readonly streamId: string;
  /** null clears the stream's deadline. */
  readonly dueAt: Date | null;
}

/**
 * Several streams appended in one transaction: every stream at its expected version, or nothing at
 * all. Streams are locked in one global order (by stream id) whatever order they are given in, so two
 * requests over the same streams cannot deadlock; every event shares the transaction's id.
 */
export interface MultiStreamAppendRequest {
  /** At least one stream, each named once. */
  readonly streams: readonly StreamAppend[];
  /** Written with the events; a key already used writes nothing (as for `append`). */
  readonly idempotency?: IdempotencyClaim & { readonly requestHash: string; readonly result: JsonValue };
  /** Set or cleared in the same transaction; each names a stream of `streams`, at most once. */
  readonly deadlines?: readonly StreamDeadline[];
}

export interface AppendedStream {
  readonly streamId: string;
  readonly nextVersion: number;
  readonly events: readonly StoredEvent[];
}

export type MultiStreamAppendResult =
  /** One entry per requested stream, in the request's order. */
  | { readonly kind: 'appended'; readonly streams: readonly AppendedStream[] }
  /** `streamId` is not at `expectedVersion` (the first such stream found): nothing written. */
  | { readonly kind: 'conflict'; readonly streamId: string; readonly expectedVersion: number }
  | { readonly kind: 'idempotency-key-used'; readonly record: IdempotencyRecord };

export interface DueStream {
  readonly streamId: string;
  readonly dueAt: Date;
}

export interface ReadStreamOptions {
  /** Snapshots of another schema version are ignored (the state's shape changed). */
  readonly snapshotSchemaVersion: number;
  /**
   * Every event from version 1 and no snapshot, e.g. when the caller could not decode the snapshot
   * the last read returned. Default false.
   */
  readonly ignoreSnapshot?: boolean;
}

export interface EventStore {
  readStream(streamId: string, options: ReadStreamOptions): Promise<StreamRead>;
  append(request: AppendRequest): Promise<AppendResult>;
  /** Appends to several streams atomically (see `MultiStreamAppendRequest`). */
  appendStreams(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult>;
  /** Streams whose deadline is at or before `now`, earliest first, at most `limit`. */
  dueStreams(now: Date, limit: number): Promise<readonly DueStream[]>;
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Records a key with no events, in a transaction of its own; a key already used keeps its record. */
  recordIdempotencyResult(request: IdempotencyRecordRequest): Promise<RecordIdempotencyResult>;
}

/** Nest injection token for the port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
