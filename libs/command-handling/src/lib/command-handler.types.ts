import type { Decision } from '@ledger/domain';
import type { EventMetadata, EventStore, IdempotencyClaim, JsonObject } from '@ledger/event-store';
import type { BackoffPolicy } from '@ledger/platform';

export type { Decision };

/** The pure part of an aggregate: decide(command, state) -> events, evolve(state, event) -> state. */
export interface Decider<C, S, E, R> {
  readonly initialState: S;
  decide(command: C, state: S): Decision<E, R>;
  evolve(state: S, event: E): S;
}

export interface EncodedEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
}

/** An event read back, from the stream or from an idempotency record, in the schema it was written with. */
export interface WrittenEvent extends EncodedEvent {
  readonly occurredAt: Date;
}

/** Events, snapshots and rejections to and from the store's JSON. */
export interface StreamCodec<S, E, R> {
  /** Snapshots are written with it; one of another version is ignored and the stream replayed. */
  readonly snapshotSchemaVersion: number;
  encodeEvent(event: E): EncodedEvent;
  /**
   * Lifts the event to its current schema and decodes it: the one place an event is upcast, since the
   * store hands events back as written. Throws on an event it cannot read (corrupt or foreign storage,
   * not a business outcome).
   */
  decodeEvent(event: WrittenEvent): E;
  encodeState(state: S): JsonObject;
  /** Throws on a snapshot it cannot read: the handler then ignores the snapshot and folds every event. */
  decodeState(state: JsonObject): S;
  /** A rejection as an idempotency key records it, so a retry is refused exactly as the first request was. */
  encodeRejection(rejection: R): JsonObject;
  decodeRejection(rejection: JsonObject): R;
}

/** A stream's state and the version it was folded to. */
export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

/** Remembers the state each stream reached when this process last wrote it (see `CommandHandler`). */
export interface StateCache<S> {
  /** The remembered state, unless the caller expects another version. */
  get(streamId: string, expectedVersion?: number): Loaded<S> | undefined;
  remember(streamId: string, loaded: Loaded<S>): void;
  forget(streamId: string): void;
}

export interface RecordedEvent<E> {
  readonly eventId: string;
  readonly version: number;
  readonly event: E;
}

export interface Accepted<S, E> {
  readonly kind: 'accepted';
  readonly streamId: string;
  /** The stream's version after the new events. */
  readonly version: number;
  readonly state: S;
  readonly events: readonly RecordedEvent<E>[];
}

/** The rules (or the access check) refused the command: nothing was written. */
export interface Rejected<R> {
  readonly kind: 'rejected';
  readonly error: R;
}

/** What an idempotency key records of a command, and answers every retry with. */
export type RecordedOutcome<S, E, R> = Accepted<S, E> | Rejected<R>;

export type CommandOutcome<S, E, R> =
  | Accepted<S, E>
  | Rejected<R>
  /** The caller's expected version is not the stream's: nothing was written, and it was not retried. */
  | { readonly kind: 'version-mismatch'; readonly expectedVersion: number; readonly actualVersion: number }
  /** Other writers kept winning the race for the stream until the attempts ran out. Safe to retry. */
  | { readonly kind: 'conflict'; readonly attempts: number }
  /** The idempotency key was used before with the same request: that request's outcome, nothing appended. */
  | { readonly kind: 'replayed'; readonly outcome: RecordedOutcome<S, E, R> }
  /** The idempotency key was used before with another request: nothing appended. */
  | { readonly kind: 'idempotency-key-reused'; readonly key: string };

export interface HandleOptions<S = unknown, R = unknown> {
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  /** Append only at this version; a mismatch is reported, never retried. */
  readonly expectedVersion?: number;
  /**
   * `requestHash` tells a retry of the same request (replayed) from another one (key reused); `scope`
   * says whose key it is (keys of two scopes never meet).
   */
  readonly idempotency?: IdempotencyClaim & { readonly requestHash: string };
  /**
   * May the caller act on the stream at all? Undefined when it may, else the rejection to answer
   * with. Checked on the store's state first, before the expected version is compared, before a
   * replay and before `decide`, so a refused caller learns nothing else about the stream. It must
   * depend only on facts that never change once the stream holds them (such as its owner).
   */
  readonly access?: (state: S) => R | undefined;
}

export interface CommandHandlerObserver<C> {
  /** An append lost the race for its expected version; `willRetry` when another attempt follows. */
  conflicted?(event: { readonly streamId: string; readonly command: C; readonly attempt: number; readonly willRetry: boolean }): void;
  /** The stored snapshot could not be decoded; the stream was folded from its first event instead. */
  snapshotUndecodable?(event: { readonly streamId: string; readonly snapshotVersion: number; readonly error: unknown }): void;
}

export interface RetryPolicy {
  /** Attempts for a command without an expected version (1 = never retry). */
  readonly maxAttempts: number;
  /** Delay before the third and later attempts; the second follows at once. */
  readonly backoff: BackoffPolicy;
}

export interface CommandHandlerOptions<C, S, E, R> {
  readonly store: EventStore;
  readonly decider: Decider<C, S, E, R>;
  readonly codec: StreamCodec<S, E, R>;
  /** A snapshot is written with the append that crosses each multiple of this version. */
  readonly snapshotEvery?: number;
  readonly retry?: RetryPolicy;
  readonly cache?: StateCache<S>;
  readonly newEventId?: () => string;
  readonly observer?: CommandHandlerObserver<C>;
}
