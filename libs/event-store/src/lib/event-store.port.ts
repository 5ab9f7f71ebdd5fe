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
  /** Events after the snapshot, in version order, already upcast to their current schema. */
  readonly events: readonly StoredEvent[];
}

/** What an idempotency key remembers: the request it was first used with and the caller's result. */
export interface IdempotencyRecord {
  readonly requestHash: string;
  /** Opaque to the store: whatever JSON the caller chose, returned as it was given (key order kept). */
  readonly result: JsonValue;
}

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
  findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
}

/** Nest injection token for the port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** An event as stored, before upcasting. */
export interface RawEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly occurredAt: Date;
}

/** The same event in its current schema. */
export interface UpcastEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
}

export type Upcaster = (raw: RawEvent) => UpcastEvent;
