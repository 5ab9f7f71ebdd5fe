import { decodeStoredAccountEvent } from '@ledger/domain';
import { isUuid } from '@ledger/primitives';
import { decodeKafkaMessage, encodeEnvelope, toEnvelope, type EnvelopeSource } from '@ledger/messaging';
import { messageOf } from '@ledger/platform';
import type { IHeaders } from 'kafkajs';
import type { RawMessage } from '@ledger/read-model-schema';
import type { ProjectableEvent } from './account-view';

/** Where events read straight from the event store (rebuild, heal) say they came from. */
export const EVENT_STORE_SOURCE = 'event_store';

export type ProjectionInput =
  | { readonly kind: 'event'; readonly accountId: string; readonly event: ProjectableEvent; readonly raw: () => RawMessage }
  /** Can never apply as it is; `accountId` is null when nothing trustworthy names the account. */
  | {
      readonly kind: 'poison';
      readonly accountId: string | null;
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
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers };
}

/**
 * Envelope, then domain event: anything that fails either is poison. The account is the envelope's
 * when it decodes, else the message key when that is an account id (the key is what put the message
 * in this account's order), else unknown.
 */
export function decodeForProjection(raw: RawMessage): ProjectionInput {
  const keyAccount = raw.key !== null && isUuid(raw.key.toString()) ? raw.key.toString().toLowerCase() : null;
  let decoded: ReturnType<typeof decodeKafkaMessage>;
  try {
    decoded = decodeKafkaMessage(raw);
  } catch (error) {
    return poison(keyAccount, `undecodable message: ${messageOf(error)}`, raw);
  }
  const { envelope } = decoded;
  if (!isUuid(envelope.accountId)) return poison(null, `account id ${JSON.stringify(envelope.accountId)} is not a UUID`, raw);
  return fromParts(envelope, () => raw);
}

/** An event read from the event store, decoded without a round trip through JSON bytes. */
export function inputFromStore(stored: EnvelopeSource): ProjectionInput {
  const raw = (): RawMessage => {
    const envelope = toEnvelope(stored);
    return {
      topic: EVENT_STORE_SOURCE,
      partition: 0,
      offset: stored.globalPosition,
      key: Buffer.from(stored.streamId),
      value: encodeEnvelope(envelope),
      headers: {},
    };
  };
  if (!isUuid(stored.streamId)) return poison(null, `stream id ${JSON.stringify(stored.streamId)} is not a UUID`, raw());
  return fromParts({ ...stored, accountId: stored.streamId, occurredAt: stored.occurredAt }, raw);
}

interface EventParts {
  readonly eventId: string;
  readonly accountId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: Date | string;
  readonly data: EnvelopeSource['data'];
  readonly metadata: { readonly correlationId: string };
}

function fromParts(parts: EventParts, raw: () => RawMessage): ProjectionInput {
  const accountId = parts.accountId.toLowerCase();
  const occurredAt = parts.occurredAt instanceof Date ? parts.occurredAt : new Date(parts.occurredAt);
  try {
    const event = decodeStoredAccountEvent({ type: parts.type, schemaVersion: parts.schemaVersion, data: parts.data, occurredAt });
    if (event.data.accountId.toLowerCase() !== accountId) {
      return poison(accountId, `event data names account ${event.data.accountId}, the stream is ${accountId}`, raw(), parts);
    }
    return {
      kind: 'event',
      accountId,
      event: { eventId: parts.eventId, accountId, version: parts.version, occurredAt, correlationId: parts.metadata.correlationId, event },
      raw,
    };
  } catch (error) {
    return poison(accountId, messageOf(error), raw(), parts);
  }
}

function poison(
  accountId: string | null,
  error: string,
  raw: RawMessage,
  known?: { readonly eventId: string; readonly version: number },
): ProjectionInput {
  return { kind: 'poison', accountId, eventId: known?.eventId ?? null, version: known?.version ?? null, error, raw: () => raw };
}
