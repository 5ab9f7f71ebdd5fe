import { accountPartitioner } from '@ledger/messaging';
import type { Kafka, Message, Producer } from 'kafkajs';

export interface PublisherOptions {
  readonly topic: string;
  /** How long the broker may take to get acknowledgements from all in-sync replicas. */
  readonly ackTimeoutMs: number;
}

/**
 * Produces batches with the settings ordering needs: acks from all in-sync replicas, the idempotent
 * producer (broker-side de-duplication of kafkajs' own retries) and one request in flight, so a
 * retried request can never overtake a later one.
 *
 * After any failure the producer is thrown away: an idempotent producer whose send failed may have
 * sequence numbers the broker no longer agrees with, and a fresh producer id starts clean.
 */
export class KafkaPublisher {
  private producer: Producer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: PublisherOptions,
  ) {}

  async publish(messages: readonly Message[]): Promise<void> {
    const producer = await this.connected();
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      timeout: this.options.ackTimeoutMs,
      messages: [...messages],
    });
  }

  /** Drops the producer; the next publish connects a new one. Never throws. */
  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer !== null) {
      await producer.disconnect().catch(() => undefined);
    }
  }

  private async connected(): Promise<Producer> {
    if (this.producer !== null) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: accountPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}
