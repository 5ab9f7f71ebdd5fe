import {
  assertValidAppendRequest,
  assertValidDueStreamsQuery,
  assertValidIdempotencyClaim,
  assertValidIdempotencyRecord,
  assertValidMultiStreamAppendRequest,
  assertValidStreamId,
} from './append-request.validation';
import type {
  AppendedStream,
  AppendRequest,
  AppendResult,
  DueStream,
  EventStore,
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRecordRequest,
  MultiStreamAppendRequest,
  MultiStreamAppendResult,
  NewEvent,
  ReadStreamOptions,
  RecordIdempotencyResult,
  Snapshot,
  StoredEvent,
  StreamAppend,
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
  readonly deadlines: Map<string, Date>;
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
  private readonly storage: Storage = {
    streams: new Map(),
    eventIds: new Set(),
    keys: new Map(),
    deadlines: new Map(),
    position: 0n,
    transaction: 0n,
  };

  async append(request: AppendRequest): Promise<AppendResult> {
    assertValidAppendRequest(request);
    assertStorableInJsonb(request);
    // Yield like a round trip would, so concurrent callers interleave as they do against a database.
    await Promise.resolve();
    const { streamId, expectedVersion, idempotency } = request;
    if (this.versionOf(streamId) !== expectedVersion) return { kind: 'conflict', expectedVersion };
    const used = this.usedKey(idempotency);
    if (used !== null) return used;
    this.assertNewEventIds(request.events);

    const [written] = this.write([request], String(++this.storage.transaction));
    this.keep(idempotency);
    if (written === undefined) throw new Error('event store: the append wrote no stream');
    return { kind: 'appended', nextVersion: written.nextVersion, events: written.events };
  }

  async appendStreams(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult> {
    assertValidMultiStreamAppendRequest(request);
    for (const stream of request.streams) assertStorableInJsonb(stream);
    await Promise.resolve();
    const { streams, idempotency, deadlines = [] } = request;
    // Checked in the order the Postgres adapter locks them, so both report the same stream first.
    const conflicting = [...streams].sort(byStreamId).find((s) => this.versionOf(s.streamId) !== s.expectedVersion);
    if (conflicting !== undefined) {
      return { kind: 'conflict', streamId: conflicting.streamId, expectedVersion: conflicting.expectedVersion };
    }
    const used = this.usedKey(idempotency);
    if (used !== null) return used;
    this.assertNewEventIds(streams.flatMap((s) => s.events));

    const written = this.write(streams, String(++this.storage.transaction));
    this.keep(idempotency);
    for (const { streamId, dueAt } of deadlines) {
      if (dueAt === null) this.storage.deadlines.delete(streamId);
      else this.storage.deadlines.set(streamId, new Date(dueAt.getTime()));
    }
    return { kind: 'appended', streams: written };
  }

  async dueStreams(now: Date, limit: number): Promise<readonly DueStream[]> {
    assertValidDueStreamsQuery(now, limit);
    await Promise.resolve();
    return [...this.storage.deadlines]
      .filter(([, dueAt]) => dueAt.getTime() <= now.getTime())
      .sort(([a, aDue], [b, bDue]) => aDue.getTime() - bDue.getTime() || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([streamId, dueAt]) => ({ streamId, dueAt: new Date(dueAt.getTime()) }));
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

  private versionOf(streamId: string): number {
    return this.storage.streams.get(streamId)?.events.length ?? 0;
  }

  private usedKey(claim: IdempotencyClaim | undefined): { kind: 'idempotency-key-used'; record: IdempotencyRecord } | null {
    const record = claim === undefined ? undefined : this.storage.keys.get(keyOf(claim));
    return record === undefined ? null : { kind: 'idempotency-key-used', record: copy(record) };
  }

  private assertNewEventIds(events: readonly NewEvent[]): void {
    if (events.some((e) => this.storage.eventIds.has(e.eventId.toLowerCase()))) {
      throw new Error('event store: an event with this eventId is already stored');
    }
  }

  private keep(idempotency: (IdempotencyClaim & IdempotencyRecord) | undefined): void {
    if (idempotency === undefined) return;
    this.storage.keys.set(keyOf(idempotency), { requestHash: idempotency.requestHash, result: copy(idempotency.result) });
  }

  /**
   * Appends already checked streams in one transaction: events get positions in stream id order, as
   * the Postgres adapter inserts them; the result keeps the given order.
   */
  private write(streams: readonly StreamAppend[], transactionId: string): AppendedStream[] {
    const written = new Map<string, AppendedStream>();
    for (const { streamId, expectedVersion, events, snapshot } of [...streams].sort(byStreamId)) {
      const stored = events.map((event, index) => this.stored(streamId, event, expectedVersion + index + 1, transactionId));
      const target = this.storage.streams.get(streamId) ?? { events: [], snapshot: null };
      target.events.push(...stored);
      this.storage.streams.set(streamId, target);
      for (const event of events) this.storage.eventIds.add(event.eventId.toLowerCase());
      if (snapshot !== undefined && (target.snapshot === null || target.snapshot.version <= snapshot.version)) {
        target.snapshot = copy(snapshot);
      }
      written.set(streamId, { streamId, nextVersion: expectedVersion + events.length, events: stored.map(copyEvent) });
    }
    return streams.map((s) => {
      const appended = written.get(s.streamId);
      if (appended === undefined) throw new Error('event store: a stream of the append was not written');
      return appended;
    });
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

/** One global order for streams: code-point order of their ids. */
function byStreamId(a: { readonly streamId: string }, b: { readonly streamId: string }): number {
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
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
function assertStorableInJsonb(request: Pick<AppendRequest, 'events' | 'snapshot'>): void {
  const jsonb: string[] = [
    ...request.events.flatMap((e) => [JSON.stringify(e.data), JSON.stringify(e.metadata)]),
    ...(request.snapshot === undefined ? [] : [JSON.stringify(request.snapshot.state)]),
  ];
  if (jsonb.some((text) => text.includes('\\u0000'))) {
    throw new Error('event store: unsupported Unicode escape sequence: \\u0000 cannot be stored in jsonb');
  }
}
