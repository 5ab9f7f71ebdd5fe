import { isUuid, type JsonObject } from '@ledger/primitives';
import { EnvelopeDecodeError } from './envelope.errors';

/** Who caused the event (the audit trail): the token's subject and client. */
export interface EnvelopeActor {
  readonly sub: string;
  readonly clientId: string | null;
}

export interface EnvelopeMetadata {
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Absent on events stored before actors were recorded. */
  readonly actor?: EnvelopeActor;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/**
 * The JSON value of every message on the account-events topic: one stored event, with enough of its
 * position to let a consumer detect duplicates (`version` per stream) and trace it back to the store
 * (`globalPosition`). `streamId` names the stream whatever its category (an account's, a transfer's);
 * a consumer tells the category from it.
 */
export interface EventEnvelope {
  readonly eventId: string;
  readonly streamId: string;
  /**
   * Present on an account stream's events only, equal to `streamId` (an account is one stream); kept
   * for readers that think in accounts. Absent on other streams' events (a transfer's), which name no
   * account of their own.
   */
  readonly accountId?: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  /** ISO-8601 timestamp. */
  readonly occurredAt: string;
  readonly data: JsonObject;
  readonly metadata: EnvelopeMetadata;
  /** bigserial in the event store, as a decimal string because it may exceed 2^53. */
  readonly globalPosition: string;
}

/** What the encoder needs from a stored event; `StoredEvent` from the event store fits it. */
export interface EnvelopeSource {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: Date | string;
  readonly data: JsonObject;
  readonly metadata: EnvelopeMetadata;
  readonly globalPosition: string;
}

export interface EnvelopeOptions {
  /**
   * Whether the stream is an account's. False (a transfer's stream) leaves `accountId` out; default
   * true, as every stream was an account's before streams had categories.
   */
  readonly accountStream?: boolean;
}

/** Larger values are rejected before parsing, so a hostile message cannot make the consumer parse megabytes. */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// bigint positive, at most 19 digits (fits a Postgres bigint).
const POSITION = /^[1-9]\d{0,18}$/;
const MAX_TEXT = 512;

export function toEnvelope(source: EnvelopeSource, options: EnvelopeOptions = {}): EventEnvelope {
  const metadata: EnvelopeMetadata = {
    correlationId: source.metadata.correlationId,
    causationId: source.metadata.causationId ?? null,
    ...(source.metadata.actor !== undefined
      ? { actor: { sub: source.metadata.actor.sub, clientId: source.metadata.actor.clientId ?? null } }
      : {}),
    ...(source.metadata.traceparent !== undefined ? { traceparent: source.metadata.traceparent } : {}),
    ...(source.metadata.tracestate !== undefined ? { tracestate: source.metadata.tracestate } : {}),
  };
  return {
    eventId: source.eventId,
    streamId: source.streamId,
    ...(options.accountStream === false ? {} : { accountId: source.streamId }),
    version: source.version,
    type: source.type,
    schemaVersion: source.schemaVersion,
    occurredAt: source.occurredAt instanceof Date ? source.occurredAt.toISOString() : source.occurredAt,
    data: source.data,
    metadata,
    globalPosition: source.globalPosition,
  };
}

export function encodeEnvelope(envelope: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * Parses and validates a message value. Anything that is not exactly an envelope (wrong types,
 * missing fields, out-of-range numbers) is an `EnvelopeDecodeError`; unknown extra fields are dropped,
 * so producers may add fields without breaking older consumers.
 */
export function decodeEnvelope(value: Buffer | string | null | undefined): EventEnvelope {
  if (value === null || value === undefined || value.length === 0) {
    throw new EnvelopeDecodeError('empty', 'message has no value');
  }
  const byteLength = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (byteLength > MAX_ENVELOPE_BYTES) {
    throw new EnvelopeDecodeError('too-large', `message value is ${byteLength} bytes, limit ${MAX_ENVELOPE_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new EnvelopeDecodeError('not-json', `message value is not JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw new EnvelopeDecodeError('not-an-object', 'message value is not a JSON object');
  }
  const streamId = text(parsed, 'streamId');
  return {
    eventId: uuid(parsed, 'eventId'),
    streamId,
    ...accountIdOf(parsed, streamId),
    version: positiveInteger(parsed, 'version'),
    type: text(parsed, 'type'),
    schemaVersion: positiveInteger(parsed, 'schemaVersion'),
    occurredAt: timestamp(parsed, 'occurredAt'),
    data: object(parsed, 'data'),
    metadata: metadata(parsed),
    globalPosition: matching(parsed, 'globalPosition', POSITION, 'a positive decimal string'),
  };
}

/** Absent (or null) on a stream that is not an account's; when present it must be the stream id. */
function accountIdOf(parsed: Record<string, unknown>, streamId: string): Pick<EventEnvelope, 'accountId'> {
  if (parsed['accountId'] === undefined || parsed['accountId'] === null) return {};
  const accountId = text(parsed, 'accountId');
  if (accountId !== streamId) {
    throw new EnvelopeDecodeError('invalid-field', 'accountId differs from streamId', 'accountId');
  }
  return { accountId };
}

function metadata(parsed: Record<string, unknown>): EnvelopeMetadata {
  const raw = parsed['metadata'];
  if (!isPlainObject(raw)) {
    throw invalid('metadata', 'an object');
  }
  const causation = raw['causationId'];
  if (causation !== null && causation !== undefined && !isText(causation)) {
    throw invalid('metadata.causationId', 'a non-empty string or null');
  }
  return {
    correlationId: text(raw, 'correlationId', 'metadata.'),
    causationId: causation ?? null,
    ...optionalActor(raw),
    ...optionalText(raw, 'traceparent'),
    ...optionalText(raw, 'tracestate'),
  };
}

/**
 * The actor is copied from a verified token, not typed by a person: any non-empty string fits (no
 * trimming rule), so an odd but valid subject never makes an event undeliverable.
 */
function optionalActor(raw: Record<string, unknown>): Partial<EnvelopeMetadata> {
  const actor = raw['actor'];
  if (actor === undefined || actor === null) return {};
  if (!isPlainObject(actor)) throw invalid('metadata.actor', 'an object');
  const { sub, clientId } = actor;
  if (!isIdentity(sub)) throw invalid('metadata.actor.sub', `a non-empty string of at most ${MAX_TEXT} characters`);
  if (clientId !== null && clientId !== undefined && !isIdentity(clientId)) {
    throw invalid('metadata.actor.clientId', `a non-empty string of at most ${MAX_TEXT} characters, or null`);
  }
  return { actor: { sub, clientId: clientId ?? null } };
}

function isIdentity(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

function optionalText(raw: Record<string, unknown>, field: 'traceparent' | 'tracestate'): Partial<EnvelopeMetadata> {
  const value = raw[field];
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    throw invalid(`metadata.${field}`, 'a string');
  }
  return { [field]: value };
}

function text(parsed: Record<string, unknown>, field: string, prefix = ''): string {
  const value = parsed[field];
  if (!isText(value)) {
    throw invalid(prefix + field, `a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT && value.trim() === value;
}

function matching(parsed: Record<string, unknown>, field: string, pattern: RegExp, what: string): string {
  const value = parsed[field];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalid(field, what);
  }
  return value;
}

function uuid(parsed: Record<string, unknown>, field: string): string {
  const value = parsed[field];
  if (!isUuid(value)) {
    throw invalid(field, 'a UUID');
  }
  return value;
}

function positiveInteger(parsed: Record<string, unknown>, field: string): number {
  const value = parsed[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(field, 'a positive safe integer');
  }
  return value;
}

function timestamp(parsed: Record<string, unknown>, field: string): string {
  const value = matching(parsed, field, ISO_TIMESTAMP, 'an ISO-8601 timestamp');
  if (Number.isNaN(Date.parse(value))) {
    throw invalid(field, 'an ISO-8601 timestamp');
  }
  return value;
}

function object(parsed: Record<string, unknown>, field: string): JsonObject {
  const value = parsed[field];
  if (!isPlainObject(value)) {
    throw invalid(field, 'a JSON object');
  }
  // JSON.parse only yields JSON values, so the object's contents need no further checks.
  return value as JsonObject;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, expected: string): EnvelopeDecodeError {
  return new EnvelopeDecodeError('invalid-field', `${field} must be ${expected}`, field);
}
