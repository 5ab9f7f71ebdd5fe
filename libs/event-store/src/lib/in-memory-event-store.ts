import type { DueStream, MultiStreamAppendRequest, MultiStreamAppendResult } from './event-store.port';
import {
  assertValidAppendRequest,
  assertValidIdempotencyClaim,
  assertValidIdempotencyRecord,
  assertValidStreamId,
} from './append-request.validation';
import {
  AppendRequest,
  AppendResult,
  EventStore,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecordRequest,
  NewEvent,
  ReadStreamOptions,
  RecordIdempotencyResult,
  Snapshot,
  StoredEvent,
  StreamRead,
} from './event-store.port';
interface Stream {
  readonly events: StoredEvent[];
  snapshot: Snapshot | null;
}

/** What the store holds. */
interface Storage {
  readonly streams: Map<string, Stream>;
  readonly eventIds: Set<string>;
  readonly keys: Map<string, IdempotencyRecord>;
  position: bigint;
  transaction: bigint;
}

/**
 * The `EventStore` port in memory, with the Postgres adapter's semantics (the shared contract suite
 * runs against both): expected versions, conflicts that write nothing, an idempotency key that aborts
 * the whole append once used, the latest snapshot per stream, snapshot + tail reads, events read as written.
 * Everything goes in and comes out as JSON copies, so a caller can never alter what was stored.
 * For fast tests of code above the port, and for benchmarks that want the store out of the picture.
 */
export class InMemoryEventStore implements EventStore {
  // Multi-stream appends and deadlines are being built: until then they refuse loudly.
  appendStreams(_request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult> {
    return Promise.reject(new Error('appendStreams is not implemented yet'));
  }

  dueStreams(_now: Date, _limit: number): Promise<readonly DueStream[]> {
    return Promise.reject(new Error('dueStreams is not implemented yet'));
  }

  private readonly storage: Storage = {
    streams: new Map(),
    eventIds: new Set(),
    keys: new Map(),
    position: 0n,
    transaction: 0n,
  };

  async append(request: AppendRequest): Promise<AppendResult> {
    assertValidAppendRequest(request);
    assertStorableInJsonb(request);
    // Yield like a round trip would, so concurrent callers interleave as they do against a database.
    await Promise.resolve();
    const { streamId, expectedVersion, events, snapshot, idempotency } = request;
    const stream = this.storage.streams.get(streamId);
    if ((stream?.events.length ?? 0) !== expectedVersion) return { kind: 'conflict', expectedVersion };
    if (idempotency !== undefined) {
      const record = this.storage.keys.get(keyOf(idempotency));
      if (record !== undefined) return { kind: 'idempotency-key-used', record: copy(record) };
    }
    if (events.some((e) => this.storage.eventIds.has(e.eventId.toLowerCase()))) {
      throw new Error('event store: an event with this eventId is already stored');
    }

    const transactionId = String(++this.storage.transaction);
    const stored = events.map((event, index) => this.stored(streamId, event, expectedVersion + index + 1, transactionId));
    const target = stream ?? { events: [], snapshot: null };
    target.events.push(...stored);
    this.storage.streams.set(streamId, target);
    for (const event of events) this.storage.eventIds.add(event.eventId.toLowerCase());
    if (idempotency !== undefined) {
      this.storage.keys.set(keyOf(idempotency), { requestHash: idempotency.requestHash, result: copy(idempotency.result) });
    }
    if (snapshot !== undefined && (target.snapshot === null || target.snapshot.version <= snapshot.version)) {
      target.snapshot = copy(snapshot);
    }
    return { kind: 'appended', nextVersion: expectedVersion + events.length, events: stored.map(copyEvent) };
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<StreamRead> {
    assertValidStreamId(streamId);
    if (!Number.isSafeInteger(options.snapshotSchemaVersion) || options.snapshotSchemaVersion < 1) {
      throw new Error('event store: snapshotSchemaVersion must be a positive integer');
    }
    await Promise.resolve();
    const stream = this.storage.streams.get(streamId);
    if (stream === undefined) return { version: 0, snapshot: null, events: [] };
    const usable = options.ignoreSnapshot !== true && stream.snapshot?.schemaVersion === options.snapshotSchemaVersion;
    const snapshot = usable ? stream.snapshot : null;
    const from = snapshot?.version ?? 0;
    const events = stream.events.filter((e) => e.version > from).map(copyEvent);
    return { version: stream.events.length, snapshot: snapshot === null ? null : copy(snapshot), events };
  }

  async findIdempotencyRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    assertValidIdempotencyClaim(claim);
    await Promise.resolve();
    const record = this.storage.keys.get(keyOf(claim));
    return record === undefined ? null : copy(record);
  }

  async recordIdempotencyResult(request: IdempotencyRecordRequest): Promise<RecordIdempotencyResult> {
    assertValidStreamId(request.streamId);
    assertValidIdempotencyRecord(request);
    await Promise.resolve();
    const record = this.storage.keys.get(keyOf(request));
    if (record !== undefined) return { kind: 'idempotency-key-used', record: copy(record) };
    this.storage.keys.set(keyOf(request), { requestHash: request.requestHash, result: copy(request.result) });
    return { kind: 'recorded' };
  }

  private stored(streamId: string, event: NewEvent, version: number, transactionId: string): StoredEvent {
    return {
      ...copyEvent(event),
      streamId,
      version,
      globalPosition: String(++this.storage.position),
      transactionId,
    };
  }
}

/** Keys are unique per scope, as the table's (scope, key) primary key makes them. */
function keyOf(claim: IdempotencyClaim): string {
  return JSON.stringify([claim.scope ?? '', claim.key]);
}

/** A JSON round trip: what a json column gives back (key order kept, `undefined` fields gone). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function copyEvent<T extends NewEvent>(event: T): T {
  return { ...event, data: copy(event.data), metadata: copy(event.metadata), occurredAt: new Date(event.occurredAt.getTime()) };
}

/** Postgres jsonb refuses U+0000 and the whole append with it; so does this store. */
function assertStorableInJsonb(request: AppendRequest): void {
  const jsonb: string[] = [
    ...request.events.flatMap((e) => [JSON.stringify(e.data), JSON.stringify(e.metadata)]),
    ...(request.snapshot === undefined ? [] : [JSON.stringify(request.snapshot.state)]),
  ];
  if (jsonb.some((text) => text.includes('\\u0000'))) {
    throw new Error('event store: unsupported Unicode escape sequence: \\u0000 cannot be stored in jsonb');
  }
}
