import { AppendRequest, IdempotencyClaim, JsonValue, NewEvent } from './event-store.port';

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
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) {
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
  const nextVersion = request.expectedVersion + request.events.length;
  if (request.snapshot !== undefined) {
    const { version, schemaVersion, state } = request.snapshot;
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
  if (request.idempotency !== undefined) assertValidIdempotencyRecord(request.idempotency);
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
