import type { Kafka, Producer, RetryOptions } from 'kafkajs';
import { accountPartitioner } from './account.partitioner';

/**
 * One producer with the settings per-account order needs: the idempotent producer (broker-side
 * de-duplication of kafkajs' own retries), one request in flight (a retried request can never
 * overtake a later one), the account partitioner, and no topic auto-creation. Connected on first use.
 *
 * After a failed send the caller `reset()`s it: an idempotent producer whose send failed may have
 * sequence numbers the broker no longer agrees with, and a fresh producer id starts clean.
 */
export class KafkaProducerSession {
  private producer: Producer | null = null;

  /** `retry` replaces the client's retry settings for this producer's requests. */
  constructor(
    private readonly kafka: Kafka,
    private readonly retry?: RetryOptions,
  ) {}

  /** The connected producer; a failed connect leaves nothing behind, so the next call tries afresh. */
  async get(): Promise<Producer> {
    if (this.producer !== null) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: accountPartitioner,
      allowAutoTopicCreation: false,
      retry: this.retry,
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

  /** Drops the producer; the next `get()` connects a new one. Never throws. */
  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}
