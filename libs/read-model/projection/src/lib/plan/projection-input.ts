import { decodeStoredAccountEvent, decodeStoredTransferEvent, streamCategoryOf, transferIdOf } from '@ledger/domain';
import { isUuid } from '@ledger/primitives';
import { decodeKafkaMessage, encodeEnvelope, toEnvelope, type EnvelopeSource } from '@ledger/messaging';
import { messageOf } from '@ledger/platform';
import type { IHeaders } from 'kafkajs';
import type { RawMessage } from '@ledger/read-model-schema';
import type { ProjectableEvent } from './account-view';
import type { ProjectableTransferEvent } from './transfer-view';

/** Where events read straight from the event store (rebuild, heal) say they came from. */
export const EVENT_STORE_SOURCE = 'event_store';

export type ProjectionInput =
  | {
      readonly kind: 'event';
      readonly accountId: string;
      readonly transferId: null;
      readonly event: ProjectableEvent;
      readonly raw: () => RawMessage;
    }
  /** An event of a transfer's own stream (`transfer-<id>`): it names no account. */
  | {
      readonly kind: 'transfer-event';
      readonly accountId: null;
      readonly transferId: string;
      readonly event: ProjectableTransferEvent;
      readonly raw: () => RawMessage;
    }
  /**
   * Can never apply as it is. It names the account or the transfer whose stream it belongs to (at most
   * one of them), or neither when nothing trustworthy names its stream.
   */
  | {
      readonly kind: 'poison';
      readonly accountId: string | null;
      readonly transferId: string | null;
      /** Known when the envelope decoded and only the event inside it did not. */
      readonly eventId: string | null;
      readonly version: number | null;
      readonly error: string;
      readonly raw: () => RawMessage;
    };

/** The shape kafkajs hands a consumer. */
export interface ConsumedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

export function rawFromKafka(topic: string, partition: number, message: ConsumedMessage): RawMessage {
  const headers: Record<string, string> = {};
  const given = message.headers ?? {};
  // for...in over kafkajs' own plain object: no entries array per message.
  for (const name in given) {
    const value = given[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers };
}

/** The stream a message belongs to: an account's or a transfer's, by its id; null when the id is neither. */
type StreamRef = { readonly accountId: string; readonly transferId: null } | { readonly accountId: null; readonly transferId: string };

const NO_STREAM = { accountId: null, transferId: null } as const;

function streamOf(streamId: string): StreamRef | null {
  const category = streamCategoryOf(streamId);
  switch (category) {
    case 'account':
      return isUuid(streamId) ? { accountId: streamId.toLowerCase(), transferId: null } : null;
    case 'transfer': {
      const transferId = transferIdOf(streamId);
      return transferId !== null && isUuid(transferId) ? { accountId: null, transferId: transferId.toLowerCase() } : null;
    }
    default: {
      const unknown: never = category;
      throw new Error(`unknown stream category ${String(unknown)}`);
    }
  }
}

/**
 * Envelope, then domain event: anything that fails either is poison. The stream is the envelope's
 * when it decodes, else the message key when that names one (the key is what put the message in its
 * stream's order), else unknown. The stream's category routes the event: an account's stream to the
 * account's fold, a transfer's stream to the transfer's.
 */
export function decodeForProjection(raw: RawMessage): ProjectionInput {
  let decoded: ReturnType<typeof decodeKafkaMessage>;
  try {
    decoded = decodeKafkaMessage(raw);
  } catch (error) {
    // The key is read only here: a message that decodes was checked to be keyed by its own stream.
    const keyStream = raw.key === null ? null : streamOf(raw.key.toString());
    return poison(keyStream ?? NO_STREAM, `undecodable message: ${messageOf(error)}`, raw);
  }
  const { envelope } = decoded;
  const stream = streamOf(envelope.streamId);
  if (stream === null) return poison(NO_STREAM, `stream id ${JSON.stringify(envelope.streamId)} names no account or transfer`, raw);
  return fromParts(stream, envelope, () => raw);
}

/** An event read from the event store, decoded without a round trip through JSON bytes. */
export function inputFromStore(stored: EnvelopeSource): ProjectionInput {
  const stream = streamOf(stored.streamId);
  const raw = (): RawMessage => {
    const envelope = toEnvelope(stored, { accountStream: stream?.accountId !== null });
    return {
      topic: EVENT_STORE_SOURCE,
      partition: 0,
      offset: stored.globalPosition,
      key: Buffer.from(stored.streamId),
      value: encodeEnvelope(envelope),
      headers: {},
    };
  };
  if (stream === null) return poison(NO_STREAM, `stream id ${JSON.stringify(stored.streamId)} names no account or transfer`, raw());
  return fromParts(stream, stored, raw);
}

interface EventParts {
  readonly eventId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: Date | string;
  readonly data: EnvelopeSource['data'];
  readonly metadata: { readonly correlationId: string };
}

function fromParts(stream: StreamRef, parts: EventParts, raw: () => RawMessage): ProjectionInput {
  const occurredAt = parts.occurredAt instanceof Date ? parts.occurredAt : new Date(parts.occurredAt);
  const position = { eventId: parts.eventId, version: parts.version, occurredAt, correlationId: parts.metadata.correlationId };
  const stored = { type: parts.type, schemaVersion: parts.schemaVersion, data: parts.data, occurredAt };
  try {
    if (stream.accountId !== null) {
      const { accountId } = stream;
      const event = decodeStoredAccountEvent(stored);
      if (event.data.accountId.toLowerCase() !== accountId) {
        return poison(stream, `event data names account ${event.data.accountId}, the stream is ${accountId}`, raw(), parts);
      }
      return { kind: 'event', accountId, transferId: null, event: { ...position, accountId, event }, raw };
    }
    const { transferId } = stream;
    const event = decodeStoredTransferEvent(stored);
    if (event.data.transferId.toLowerCase() !== transferId) {
      return poison(stream, `event data names transfer ${event.data.transferId}, the stream is transfer-${transferId}`, raw(), parts);
    }
    return { kind: 'transfer-event', accountId: null, transferId, event: { ...position, transferId, event }, raw };
  } catch (error) {
    return poison(stream, messageOf(error), raw(), parts);
  }
}

function poison(
  stream: StreamRef | typeof NO_STREAM,
  error: string,
  raw: RawMessage,
  known?: { readonly eventId: string; readonly version: number },
): ProjectionInput {
  return {
    kind: 'poison',
    accountId: stream.accountId,
    transferId: stream.transferId,
    eventId: known?.eventId ?? null,
    version: known?.version ?? null,
    error,
    raw: () => raw,
  };
}
