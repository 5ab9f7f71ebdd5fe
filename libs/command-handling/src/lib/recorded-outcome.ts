import type { JsonObject, JsonValue } from '@ledger/event-store';
import type { Accepted, RecordedOutcome, StreamCodec, WrittenEvent } from './command-handler.types';

/**
 * What an idempotency key records, as the store keeps it (opaque JSON to the store):
 *
 * - `{"outcome":"accepted","version":V,"state":{...},"events":[{eventId,version,type,schemaVersion,data,occurredAt}]}`
 * - `{"outcome":"rejected","rejection":{...}}`
 * - `{"outcome":"accepted","version":V,"eventCount":N}`: a key recorded before outcomes were (the
 *   migration `IdempotencyOutcome` rewrote those rows so); the state and events are read back from the
 *   stream, where the command's events are versions V-N+1..V.
 */
export type OutcomeRecord =
  | { readonly outcome: 'accepted'; readonly version: number; readonly state: JsonObject; readonly events: readonly RecordedEventJson[] }
  | { readonly outcome: 'accepted'; readonly version: number; readonly eventCount: number }
  | { readonly outcome: 'rejected'; readonly rejection: JsonObject };

interface RecordedEventJson extends JsonObject {
  readonly eventId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly occurredAt: string;
}

export function encodeOutcome<S, E, R>(outcome: RecordedOutcome<S, E, R>, codec: StreamCodec<S, E, R>, occurredAt: Date): JsonObject {
  if (outcome.kind === 'rejected') return { outcome: 'rejected', rejection: codec.encodeRejection(outcome.error) };
  return {
    outcome: 'accepted',
    version: outcome.version,
    state: codec.encodeState(outcome.state),
    events: outcome.events.map(({ eventId, version, event }) => ({
      eventId,
      version,
      ...codec.encodeEvent(event),
      occurredAt: occurredAt.toISOString(),
    })),
  };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The record's shape; anything else is a bug or foreign data, never a client's mistake. */
export function readOutcomeRecord(result: JsonValue): OutcomeRecord {
  if (isObject(result)) {
    const { outcome, version, state, events, eventCount, rejection } = result;
    if (outcome === 'rejected' && isObject(rejection)) return { outcome, rejection };
    if (outcome === 'accepted' && isCount(version)) {
      if (isObject(state) && Array.isArray(events) && events.every(isRecordedEvent)) return { outcome, version, state, events };
      if (isCount(eventCount)) return { outcome, version, eventCount };
    }
  }
  throw new Error('command handler: the idempotency record holds no command outcome');
}

function isRecordedEvent(value: JsonValue): value is RecordedEventJson {
  return (
    isObject(value) &&
    typeof value['eventId'] === 'string' &&
    isCount(value['version']) &&
    typeof value['type'] === 'string' &&
    isCount(value['schemaVersion']) &&
    isObject(value['data']) &&
    typeof value['occurredAt'] === 'string'
  );
}

/** An accepted outcome recorded in full, decoded as the command first returned it. */
export function decodeAccepted<S, E, R>(
  streamId: string,
  record: Extract<OutcomeRecord, { state: JsonObject }>,
  codec: StreamCodec<S, E, R>,
): Accepted<S, E> {
  return {
    kind: 'accepted',
    streamId,
    version: record.version,
    state: codec.decodeState(record.state),
    events: record.events.map(({ eventId, version, type, schemaVersion, data, occurredAt }) => {
      const written: WrittenEvent = { type, schemaVersion, data, occurredAt: new Date(occurredAt) };
      return { eventId, version, event: codec.decodeEvent(written) };
    }),
  };
}
