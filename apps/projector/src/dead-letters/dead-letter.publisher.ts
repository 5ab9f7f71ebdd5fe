import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureTopic, KafkaProducerSession } from '@ledger/messaging';
import { backoffDelay, messageOf, PG_POOL, sleep } from '@ledger/platform';
import { drainDeadLetterOutbox, type UnpublishedDeadLetter } from '@ledger/read-model-projection';
import type { Pool } from 'pg';
import { ProjectorKafka } from '../kafka/projector-kafka';
import { ProjectorMetrics } from '../projection/projector.metrics';
import { ProjectorConfig } from '../projector.config';
import { deadLetterMessage } from './dead-letter.message';

/** Dead letters are rare: one partition keeps their copies in the order they were published. */
const DEAD_LETTER_TOPIC_PARTITIONS = 1;
const DRAIN_BATCH_SIZE = 100;

/**
 * Copies dead letters to the dead-letter topic through the `dead_letters` outbox: after a batch that
 * wrote some (`kick`), every `PROJECTOR_DLQ_SWEEP_INTERVAL_MS`, and once at start for whatever a crash
 * left unpublished. A failed send leaves the rows unpublished for the next sweep; it never holds up
 * the projection.
 */
@Injectable()
export class DeadLetterPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeadLetters');
  private readonly stopping = new AbortController();
  private readonly producer: KafkaProducerSession;
  private topicReady = false;
  private starting: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: ProjectorConfig,
    private readonly kafka: ProjectorKafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly metrics: ProjectorMetrics,
  ) {
    this.producer = new KafkaProducerSession(kafka.kafka);
  }

  onApplicationBootstrap(): void {
    this.starting = this.prepareTopic().then(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.PROJECTOR_DLQ_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (this.timer !== null) clearInterval(this.timer);
    await this.starting;
    await this.draining;
    await this.producer.reset();
  }

  /** Publishes what is unpublished soon; calls while a drain runs fold into one more drain. */
  kick(): void {
    if (!this.topicReady || this.stopping.signal.aborted) return;
    if (this.draining !== null) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    do {
      this.drainAgain = false;
      try {
        const published = await drainDeadLetterOutbox(this.pool, {
          batchSize: DRAIN_BATCH_SIZE,
          publish: (deadLetters) => this.publish(deadLetters),
          signal: this.stopping.signal,
        });
        this.metrics.deadLettersPublished.inc(published);
        if (published > 0) this.logger.log(`published ${published} dead letter(s) to ${this.config.KAFKA_DLQ_TOPIC}`);
      } catch (error) {
        this.logger.warn(`cannot publish dead letters to ${this.config.KAFKA_DLQ_TOPIC} (${messageOf(error)}); the next sweep retries`);
        await this.producer.reset();
        return;
      }
    } while (this.drainAgain && !this.stopping.signal.aborted);
  }

  private async publish(deadLetters: readonly UnpublishedDeadLetter[]): Promise<void> {
    const producer = await this.producer.get();
    await producer.send({ topic: this.config.KAFKA_DLQ_TOPIC, acks: -1, messages: deadLetters.map(deadLetterMessage) });
  }

  private async prepareTopic(): Promise<void> {
    const { config } = this;
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const topic = await ensureTopic(await this.kafka.admin.get(), {
          topic: config.KAFKA_DLQ_TOPIC,
          partitions: DEAD_LETTER_TOPIC_PARTITIONS,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
          minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
        });
        if (topic.created) this.logger.log(`created topic ${topic.topic}`);
        this.topicReady = true;
        return;
      } catch (error) {
        const delay = backoffDelay(attempt, { initialMs: config.PROJECTOR_BACKOFF_INITIAL_MS, maxMs: config.PROJECTOR_BACKOFF_MAX_MS });
        this.logger.warn(`cannot set up ${config.KAFKA_DLQ_TOPIC} (${messageOf(error)}); retrying in ${delay} ms`);
        await sleep(delay, this.stopping.signal);
      }
    }
  }
}
