import type { AppendRequest, IdempotencyClaim, JsonValue, MultiStreamAppendRequest, NewEvent, Snapshot } from './event-store.port';

export const MAX_STREAM_ID_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
export const MAX_IDEMPOTENCY_SCOPE_LENGTH = 255;

import { isUuid } from '@ledger/primitives';

/**
 * Throws on programmer mistakes (the HTTP layer validates client input before this). Checked here so
 * a bad call fails with a clear message instead of a database error or, worse, a half-meaningful row.
 */
export function assertValidStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new Error('event store: streamId must be a non-empty string');
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new Error(`event store: streamId longer than ${MAX_STREAM_ID_LENGTH} characters`);
  }
  if (streamId.includes('\u0000')) {
    throw new Error('event store: streamId must not contain NUL characters');
  }
}

export function assertValidIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error('event store: idempotency key must be a non-empty string');
  }
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new Error(`event store: idempotency key longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  if (key.includes('\u0000')) {
    throw new Error('event store: idempotency key must not contain NUL characters');
  }
}

/** The claim's key and scope (absent: the empty scope). */
export function assertValidIdempotencyClaim(claim: IdempotencyClaim): void {
  assertValidIdempotencyKey(claim.key);
  const scope = claim.scope ?? '';
  if (typeof scope !== 'string' || scope.length > MAX_IDEMPOTENCY_SCOPE_LENGTH) {
    throw new Error(`event store: idempotency scope must be a string of at most ${MAX_IDEMPOTENCY_SCOPE_LENGTH} characters`);
  }
  if (scope.includes('\u0000')) {
    throw new Error('event store: idempotency scope must not contain NUL characters');
  }
}

function isNonNegativeInteger(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isPositiveInteger(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1;
}

function assertValidEvent(event: NewEvent, index: number): void {
  const where = `event store: events[${index}]`;
  if (!isUuid(event.eventId)) {
    throw new Error(`${where}.eventId must be a uuid`);
  }
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new Error(`${where}.type must be a non-empty string`);
  }
  if (!isPositiveInteger(event.schemaVersion)) {
    throw new Error(`${where}.schemaVersion must be a positive integer`);
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new Error(`${where}.data must be a JSON object`);
  }
  if (event.metadata === null || typeof event.metadata !== 'object' || typeof event.metadata.correlationId !== 'string') {
    throw new Error(`${where}.metadata must carry a correlationId`);
  }
  if (!isValidDate(event.occurredAt)) {
    throw new Error(`${where}.occurredAt must be a valid Date`);
  }
}

export function assertValidAppendRequest(request: AppendRequest): void {
  assertValidStreamId(request.streamId);
  if (!isNonNegativeInteger(request.expectedVersion)) {
    throw new Error('event store: expectedVersion must be a non-negative integer (0 = new stream)');
  }
  if (!Array.isArray(request.events) || request.events.length === 0) {
    throw new Error('event store: an append needs at least one event');
  }
  request.events.forEach(assertValidEvent);
  const ids = new Set(request.events.map((e) => e.eventId.toLowerCase()));
  if (ids.size !== request.events.length) {
    throw new Error('event store: eventIds within one append must be distinct');
  }
  if (request.snapshot !== undefined) assertValidSnapshot(request.snapshot, request.expectedVersion + request.events.length);
  if (request.idempotency !== undefined) assertValidIdempotencyRecord(request.idempotency);
}

function assertValidSnapshot({ version, schemaVersion, state }: Snapshot, nextVersion: number): void {
  if (!isPositiveInteger(version) || version > nextVersion) {
    throw new Error(`event store: snapshot.version must be a positive integer <= ${nextVersion}`);
  }
  if (!isPositiveInteger(schemaVersion)) {
    throw new Error('event store: snapshot.schemaVersion must be a positive integer');
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new Error('event store: snapshot.state must be a JSON object');
  }
}

/**
 * Each stream as `append` checks it (without its idempotency, which is the request's), plus what only
 * a multi-stream append can get wrong: no streams, a stream or an eventId named twice, bad deadlines.
 */
export function assertValidMultiStreamAppendRequest(request: MultiStreamAppendRequest): void {
  if (!Array.isArray(request.streams) || request.streams.length === 0) {
    throw new Error('event store: a multi-stream append needs at least one stream');
  }
  for (const stream of request.streams) {
    assertValidAppendRequest({
      streamId: stream.streamId,
      expectedVersion: stream.expectedVersion,
      events: stream.events,
      ...(stream.snapshot === undefined ? {} : { snapshot: stream.snapshot }),
    });
  }
  if (new Set(request.streams.map((s) => s.streamId)).size !== request.streams.length) {
    throw new Error('event store: each stream of a multi-stream append must be named once');
  }
  const events = request.streams.flatMap((s) => s.events);
  if (new Set(events.map((e) => e.eventId.toLowerCase())).size !== events.length) {
    throw new Error('event store: eventIds within one append must be distinct');
  }
  if (request.idempotency !== undefined) assertValidIdempotencyRecord(request.idempotency);
  if (request.deadlines !== undefined) {
    if (!Array.isArray(request.deadlines)) throw new Error('event store: deadlines must be an array');
    const named = new Set(request.streams.map((s) => s.streamId));
    for (const { streamId, dueAt } of request.deadlines) {
      // Only a stream the request appends to: its row lock then guards its deadline too, which keeps
      // concurrent requests from waiting on each other's deadlines in some other order.
      if (!named.has(streamId)) throw new Error('event store: a deadline must name a stream of the append');
      if (dueAt !== null && !isValidDate(dueAt)) throw new Error("event store: a deadline's dueAt must be a valid Date or null");
    }
    if (new Set(request.deadlines.map((d) => d.streamId)).size !== request.deadlines.length) {
      throw new Error("event store: each stream's deadline must be given once");
    }
  }
}

/** `dueStreams`' arguments: a valid instant and a positive limit. */
export function assertValidDueStreamsQuery(now: Date, limit: number): void {
  if (!isValidDate(now)) throw new Error('event store: now must be a valid Date');
  if (!isPositiveInteger(limit)) throw new Error('event store: limit must be a positive integer');
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** A key's record: its claim, the request's hash and a JSON result. */
export function assertValidIdempotencyRecord(
  record: IdempotencyClaim & { readonly requestHash: string; readonly result: JsonValue },
): void {
  const { requestHash, result } = record;
  assertValidIdempotencyClaim(record);
  if (typeof requestHash !== 'string' || requestHash.length === 0) {
    throw new Error('event store: idempotency.requestHash must be a non-empty string');
  }
  if (result === undefined || JSON.stringify(result) === undefined) {
    throw new Error('event store: idempotency.result must be a JSON value');
  }
}
