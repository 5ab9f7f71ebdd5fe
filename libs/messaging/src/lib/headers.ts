import type { IHeaders } from 'kafkajs';
import type { EventEnvelope } from './envelope';

/** Header names on every account-events message; consumers can route or trace without parsing the value. */
export const EVENT_HEADERS = {
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  /** Who caused the event (its metadata's actor), for audit and tracing without parsing the value. */
  actorSub: 'actor-sub',
  actorClientId: 'actor-client-id',
  /** W3C trace context names, unchanged, so standard propagators find them. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export interface EventHeaders {
  readonly eventType?: string;
  readonly schemaVersion?: string;
  readonly eventId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actorSub?: string;
  readonly actorClientId?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export function envelopeHeaders(envelope: EventEnvelope): IHeaders {
  const headers: IHeaders = {
    [EVENT_HEADERS.eventType]: envelope.type,
    [EVENT_HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [EVENT_HEADERS.eventId]: envelope.eventId,
    [EVENT_HEADERS.correlationId]: envelope.metadata.correlationId,
  };
  if (envelope.metadata.causationId !== null) {
    headers[EVENT_HEADERS.causationId] = envelope.metadata.causationId;
  }
  const { actor } = envelope.metadata;
  if (actor !== undefined) {
    headers[EVENT_HEADERS.actorSub] = actor.sub;
    if (actor.clientId !== null) headers[EVENT_HEADERS.actorClientId] = actor.clientId;
  }
  if (envelope.metadata.traceparent !== undefined) {
    headers[EVENT_HEADERS.traceparent] = envelope.metadata.traceparent;
  }
  if (envelope.metadata.tracestate !== undefined) {
    headers[EVENT_HEADERS.tracestate] = envelope.metadata.tracestate;
  }
  return headers;
}

// Once, not per message: the projector reads the headers of every message it consumes.
const HEADER_FIELDS = Object.entries(EVENT_HEADERS);

/** Reads the known headers as strings; a repeated header keeps its first value. */
export function readEventHeaders(headers: IHeaders | undefined): EventHeaders {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const [field, name] of HEADER_FIELDS) {
    const raw = headers[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first !== undefined) result[field] = first.toString();
  }
  return result as EventHeaders;
}
