import { EVENT_HEADERS, KafkaProducerSession } from '@ledger/messaging';
import { SpanKind, withMessageSpans } from '@ledger/tracing';
import type { Kafka, Message, RecordMetadata } from 'kafkajs';

export interface PublisherOptions {
  readonly topic: string;
  /** How long the broker may take to get acknowledgements from all in-sync replicas. */
  readonly ackTimeoutMs: number;
}

/**
 * Produces batches with acks from all in-sync replicas, through a producer session that keeps
 * per-account order (see KafkaProducerSession). After any failure the loop resets it and resends
 * from its checkpoint on a fresh producer.
 */
export class KafkaPublisher {
  private readonly producer: KafkaProducerSession;

  constructor(
    kafka: Kafka,
    private readonly options: PublisherOptions,
  ) {
    this.producer = new KafkaProducerSession(kafka, { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 });
  }

  /** Resolves with Kafka's acknowledgement of each partition written to. */
  async publish(messages: readonly Message[]): Promise<RecordMetadata[]> {
    const producer = await this.producer.get();
    const { topic, ackTimeoutMs } = this.options;
    // Each event's span continues the trace of the command that appended it (the traceparent in its metadata).
    return withMessageSpans(messages, { name: `send ${topic}`, kind: SpanKind.PRODUCER, attributes: sendAttributes(topic) }, (traced) =>
      producer.send({ topic, acks: -1, timeout: ackTimeoutMs, messages: [...traced] }),
    );
  }

  /** Drops the producer; the next publish connects a new one. Never throws. */
  async reset(): Promise<void> {
    await this.producer.reset();
  }
}

function sendAttributes(topic: string) {
  return (message: Message) => ({
    'messaging.system': 'kafka',
    'messaging.operation.name': 'send',
    'messaging.destination.name': topic,
    'messaging.kafka.message.key': message.key?.toString() ?? '',
    'ledger.event_id': message.headers?.[EVENT_HEADERS.eventId]?.toString() ?? '',
    // Who caused the event (OpenTelemetry's end-user convention); absent on events stored before it was recorded.
    ...actorAttributes(message),
  });
}

function actorAttributes(message: Message): Record<string, string> {
  const sub = message.headers?.[EVENT_HEADERS.actorSub]?.toString();
  const clientId = message.headers?.[EVENT_HEADERS.actorClientId]?.toString();
  return { ...(sub === undefined ? {} : { 'enduser.id': sub }), ...(clientId === undefined ? {} : { 'ledger.client_id': clientId }) };
}
