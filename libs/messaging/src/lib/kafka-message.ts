import type { IHeaders, Message } from 'kafkajs';
import { EnvelopeDecodeError } from './envelope.errors';
import { decodeEnvelope, encodeEnvelope, type EventEnvelope } from './envelope';
import { envelopeHeaders, readEventHeaders, type EventHeaders } from './headers';

/** Key = stream id (an account's or a transfer's), so one stream's events land on one partition, in order. */
export function toKafkaMessage(envelope: EventEnvelope): Message {
  return {
    key: envelope.streamId,
    value: encodeEnvelope(envelope),
    headers: envelopeHeaders(envelope),
  };
}

export interface ReceivedMessage {
  readonly key: Buffer | string | null | undefined;
  readonly value: Buffer | string | null | undefined;
  readonly headers?: IHeaders;
}

export interface DecodedMessage {
  readonly envelope: EventEnvelope;
  readonly headers: EventHeaders;
}

/**
 * Decodes a consumed message and checks that its key and headers agree with its value: a message
 * whose key is not its stream id was partitioned wrongly and cannot be trusted to be in order.
 */
export function decodeKafkaMessage(message: ReceivedMessage): DecodedMessage {
  const envelope = decodeEnvelope(message.value);
  if (message.key !== null && message.key !== undefined && message.key.toString() !== envelope.streamId) {
    throw new EnvelopeDecodeError('key-mismatch', 'message key differs from the envelope stream id');
  }
  const headers = readEventHeaders(message.headers);
  const mismatch =
    (headers.eventId !== undefined && headers.eventId !== envelope.eventId) ||
    (headers.eventType !== undefined && headers.eventType !== envelope.type) ||
    (headers.schemaVersion !== undefined && headers.schemaVersion !== String(envelope.schemaVersion));
  if (mismatch) {
    throw new EnvelopeDecodeError('header-mismatch', 'message headers disagree with the envelope');
  }
  return { envelope, headers };
}
