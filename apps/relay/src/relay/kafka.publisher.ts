import { KafkaProducerSession } from '@ledger/messaging';
import type { Kafka, Message } from 'kafkajs';

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

  async publish(messages: readonly Message[]): Promise<void> {
    const producer = await this.producer.get();
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      timeout: this.options.ackTimeoutMs,
      messages: [...messages],
    });
  }

  /** Drops the producer; the next publish connects a new one. Never throws. */
  async reset(): Promise<void> {
    await this.producer.reset();
  }
}
