import { Catch, Controller, Inject, UseFilters, type BeforeApplicationShutdown, type RpcExceptionFilter } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PG_POOL, ReadinessRegistry } from '@ledger/platform';
import { ACCOUNTS_PROJECTION, ChangeAnnouncer, ProjectionWriter } from '@ledger/read-model-projection';
import type { EachBatchPayload } from 'kafkajs';
import type { Pool } from 'pg';
import { throwError, type Observable } from 'rxjs';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { PARTITION_BATCH } from '../kafka/kafka-batch.transport';
import { PartitionAssignment } from '../kafka/partition-assignment';
import { ProjectorKafka } from '../kafka/projector-kafka';
import { ProjectorConfig } from '../projector.config';
import { OffsetCommitPacer } from '../kafka/offset-commit.pacer';
import { BatchApplier } from './batch.applier';
import { ChunkGroupApplier } from './chunk-group.applier';
import { PartitionBatchHandler } from './partition-batch.handler';
import { ProjectorMetrics } from './projector.metrics';

/**
 * Nest's RPC exception layer would replace any error with a generic one; the consumer must see the
 * error itself (a rebalance makes kafkajs rejoin the group, anything else restarts the batch).
 */
@Catch()
class PassToConsumer implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** The projector's one event handler: each partition batch of the events topic, into the read model. */
@Controller()
@UseFilters(new PassToConsumer())
export class PartitionBatchController implements BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private readonly handler: PartitionBatchHandler;
  private readonly offsetCommits: OffsetCommitPacer;

  constructor(
    config: ProjectorConfig,
    kafka: ProjectorKafka,
    @Inject(PG_POOL) pool: Pool,
    metrics: ProjectorMetrics,
    readiness: ReadinessRegistry,
    assignment: PartitionAssignment,
    deadLetters: DeadLetterPublisher,
    announcer: ChangeAnnouncer,
  ) {
    const applier = new BatchApplier({
      pool,
      writer: new ProjectionWriter({ projection: ACCOUNTS_PROJECTION, notify: false, cachedAccounts: config.PROJECTOR_CACHED_ACCOUNTS }),
      metrics,
      backoff: { initialMs: config.PROJECTOR_BACKOFF_INITIAL_MS, maxMs: config.PROJECTOR_BACKOFF_MAX_MS },
      maxAttempts: config.PROJECTOR_MAX_ATTEMPTS,
      signal: this.stopping.signal,
      announce: (moved, transfersChanged) => announcer.announce(moved, transfersChanged),
    });
    const groups = new ChunkGroupApplier({
      applier,
      metrics,
      maxMessages: config.PROJECTOR_TRANSACTION_MAX_MESSAGES,
      concurrency: config.PROJECTOR_TRANSACTIONS_CONCURRENTLY,
      onDeadLetters: () => deadLetters.kick(),
    });
    this.offsetCommits = new OffsetCommitPacer(config.PROJECTOR_OFFSET_COMMIT_INTERVAL_MS);
    this.handler = new PartitionBatchHandler({
      apply: (chunk) => groups.apply(chunk),
      metrics,
      batchSize: config.PROJECTOR_BATCH_SIZE,
      owns: (topic, partition) => topic === config.KAFKA_TOPIC && assignment.owns(partition),
      offsetCommits: this.offsetCommits,
    });
    readiness.register('kafka', () => kafka.admin.probe());
  }

  @EventPattern(PARTITION_BATCH)
  handle(@Payload() batch: EachBatchPayload): Promise<void> {
    return this.handler.handle(batch);
  }

  /**
   * Ends a batch's backoff at once, before the transport closes and waits for the batches in flight;
   * the offsets resolved so far go to the group now, and those of the batches still in flight as they commit.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.offsetCommits.stop();
  }
}
