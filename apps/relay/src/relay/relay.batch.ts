import { streamCategoryOf } from '@ledger/domain';
import type { CommitPosition, CommittedEvent } from '@ledger/event-store';
import { toEnvelope, toKafkaMessage } from '@ledger/messaging';
import type { Message } from 'kafkajs';

export interface PreparedBatch {
  /** The events that go out in this batch: a prefix of what was read, in the same order. */
  readonly events: readonly CommittedEvent[];
  readonly messages: readonly Message[];
  readonly bytes: number;
  /** Where the checkpoint moves once Kafka has acknowledged every message. */
  readonly checkpoint: CommitPosition;
}

/**
 * Encodes events read in commit order into Kafka messages. The batch is cut (never reordered) once it
 * would exceed `maxBytes`, so one produce request stays under the broker's size limits; the rest is
 * read again after the checkpoint moves. The first event always goes, whatever its size: a batch
 * that can never be sent would stall the relay silently. Every message is keyed by its stream id,
 * whatever the stream's category; only an account stream's envelope names an account.
 */
export function prepareBatch(read: readonly CommittedEvent[], maxBytes: number): PreparedBatch | null {
  const events: CommittedEvent[] = [];
  const messages: Message[] = [];
  let bytes = 0;
  for (const event of read) {
    const message = toKafkaMessage(toEnvelope(event, { accountStream: streamCategoryOf(event.streamId) === 'account' }));
    const size = messageSize(message);
    if (events.length > 0 && bytes + size > maxBytes) break;
    events.push(event);
    messages.push(message);
    bytes += size;
  }
  const last = events[events.length - 1];
  if (last === undefined) return null;
  return {
    events,
    messages,
    bytes,
    checkpoint: { transactionId: last.transactionId, globalPosition: last.globalPosition },
  };
}

function messageSize(message: Message): number {
  let size = byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((n, v) => n + byteLength(v), 0) : byteLength(value));
  }
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
