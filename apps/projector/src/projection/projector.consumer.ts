import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { backoffDelay, messageOf, PG_POOL, ReadinessRegistry, sleep, type BackoffPolicy } from '@ledger/platform';
import { ACCOUNTS_PROJECTION, ChangeAnnouncer, ProjectionWriter } from '@ledger/read-model-projection';
import type { Consumer } from 'kafkajs';
import type { Pool } from 'pg';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { ProjectorKafka } from '../kafka/projector-kafka';
import { ProjectorConfig } from '../projector.config';
import { BatchApplier } from './batch.applier';
import { PartitionBatchHandler } from './partition-batch.handler';
import { ProjectorMetrics } from './projector.metrics';

/**
 * The Kafka consumer group over the account-events topic, for the app's lifetime. kafkajs `eachBatch`
 * with manual offsets (not Nest's Kafka transport, which hands over one message at a time and commits
 * on its own): each partition's batch goes to a `PartitionBatchHandler`, partitions in parallel.
 *
 * Starting never blocks the app: while the broker is unreachable it retries in the background and
 * readiness says so. A consumer that crashes is restarted: by kafkajs for retriable errors, from
 * scratch here for the rest.
 */
@Injectable()
export class ProjectorConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly stopping = new AbortController();
  private readonly handler: PartitionBatchHandler;
  private readonly backoff: BackoffPolicy;
  private consumer: Consumer | null = null;
  private starting: Promise<void> | null = null;
  /** The partitions of the latest assignment; empty while not in the group. */
  private owned = new Set<number>();

  constructor(
    private readonly config: ProjectorConfig,
    private readonly kafka: ProjectorKafka,
    @Inject(PG_POOL) pool: Pool,
    private readonly metrics: ProjectorMetrics,
    readiness: ReadinessRegistry,
    deadLetters: DeadLetterPublisher,
    announcer: ChangeAnnouncer,
  ) {
    this.backoff = { initialMs: config.PROJECTOR_BACKOFF_INITIAL_MS, maxMs: config.PROJECTOR_BACKOFF_MAX_MS };
    const applier = new BatchApplier({
      pool,
      writer: new ProjectionWriter({ projection: ACCOUNTS_PROJECTION, notify: false }),
      metrics,
      backoff: this.backoff,
      maxAttempts: config.PROJECTOR_MAX_ATTEMPTS,
      signal: this.stopping.signal,
      announce: (moved) => announcer.announce(moved),
    });
    this.handler = new PartitionBatchHandler({
      applier,
      metrics,
      batchSize: config.PROJECTOR_BATCH_SIZE,
      owns: (topic, partition) => topic === config.KAFKA_TOPIC && this.owned.has(partition),
      onDeadLetters: () => deadLetters.kick(),
    });
    readiness.register('kafka', () => kafka.admin.probe());
  }

  onApplicationBootstrap(): void {
    this.starting = this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await this.consumer?.disconnect().catch((error: unknown) => this.logger.warn(`consumer disconnect: ${messageOf(error)}`));
    this.forgetAssignment();
  }

  /** The partitions this replica consumes now. */
  ownedPartitions(): readonly number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Connects, subscribes and runs, retrying with backoff until it runs or the app stops. */
  private async start(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      const consumer = this.createConsumer();
      this.consumer = consumer;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [this.config.KAFKA_TOPIC], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.config.PROJECTOR_PARTITIONS_CONCURRENTLY,
          eachBatch: (payload) => this.handler.handle(payload),
        });
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        if (this.stopping.signal.aborted) return;
        const delay = backoffDelay(attempt, this.backoff);
        this.logger.warn(`cannot start consuming ${this.config.KAFKA_TOPIC} (${messageOf(error)}); retrying in ${delay} ms`);
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private createConsumer(): Consumer {
    const { config } = this;
    const consumer = this.kafka.kafka.consumer({
      groupId: config.PROJECTOR_GROUP_ID,
      sessionTimeout: config.PROJECTOR_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.min(3_000, Math.floor(config.PROJECTOR_SESSION_TIMEOUT_MS / 3)),
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const previous = this.owned;
      this.owned = new Set(payload.memberAssignment[config.KAFKA_TOPIC] ?? []);
      for (const partition of previous) {
        if (!this.owned.has(partition)) this.metrics.consumerLag.remove({ partition: String(partition) });
      }
      this.logger.log(`joined group ${payload.groupId} with partitions [${this.ownedPartitions().join(',')}] of ${config.KAFKA_TOPIC}`);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.metrics.consumerCrashes.inc();
      this.forgetAssignment();
      this.logger.error(
        `consumer crashed (${messageOf(payload.error)}); ${payload.restart ? 'kafkajs restarts it' : 'starting a new one'}`,
      );
      // kafkajs restarts itself after retriable errors; after the others it has disconnected for good.
      if (!payload.restart && !this.stopping.signal.aborted) this.starting = this.start();
    });
    return consumer;
  }

  private forgetAssignment(): void {
    this.owned = new Set();
    this.metrics.consumerLag.reset();
  }
}
