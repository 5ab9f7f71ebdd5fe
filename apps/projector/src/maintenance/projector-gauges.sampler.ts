import { Inject, Injectable, Logger } from '@nestjs/common';
import { messageOf, PeriodicJob, PG_POOL } from '@ledger/platform';
import { parkingStats } from '@ledger/read-model-projection';
import type { Pool } from 'pg';
import { PartitionAssignment } from '../kafka/partition-assignment';
import { ProjectorKafka } from '../kafka/projector-kafka';
import { consumerLag } from '../projection/consumer-lag';
import { ProjectorMetrics } from '../projection/projector.metrics';
import { ProjectorConfig } from '../projector.config';

/**
 * Refreshes the gauges no batch updates: parked accounts and held events, and the consumer lag of
 * the partitions this replica owns from the broker's watermarks and the group's committed offsets,
 * which keeps the lag true while the projector is stalled (then no batch completes to update it).
 */
@Injectable()
export class ProjectorGaugesSampler extends PeriodicJob {
  private readonly logger = new Logger('ProjectorGauges');
  private lastFailure = '';

  constructor(
    private readonly config: ProjectorConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly kafka: ProjectorKafka,
    private readonly assignment: PartitionAssignment,
    private readonly metrics: ProjectorMetrics,
  ) {
    super(config.PROJECTOR_METRICS_SAMPLE_INTERVAL_MS);
  }

  protected async round(): Promise<void> {
    const results = await Promise.allSettled([this.sampleParking(), this.sampleConsumerLag()]);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : [])).join('; ');
    // Once per distinct failure: a database or broker outage is reported elsewhere every few seconds already.
    if (failures !== '' && failures !== this.lastFailure) this.logger.warn(`cannot sample projector gauges: ${failures}`);
    this.lastFailure = failures;
  }

  private async sampleParking(): Promise<void> {
    const stats = await parkingStats(this.pool);
    this.metrics.parkedAccounts.set(stats.parkedAccounts);
    this.metrics.parkedTransfers.set(stats.parkedTransfers);
    this.metrics.heldEvents.set(stats.heldEvents);
  }

  private async sampleConsumerLag(): Promise<void> {
    const owned = this.assignment.partitions();
    if (owned.length === 0) return;
    const { KAFKA_TOPIC: topic, PROJECTOR_GROUP_ID: groupId } = this.config;
    const admin = await this.kafka.admin.get();
    const [watermarks, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const next = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
    const current = new Set(this.assignment.partitions());
    for (const { partition, high, low } of watermarks) {
      if (!current.has(partition)) continue;
      this.metrics.consumerLag.set({ partition: String(partition) }, consumerLag(high, next.get(partition) ?? null, low));
    }
  }
}
