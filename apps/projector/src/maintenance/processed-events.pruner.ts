import { Inject, Injectable, Logger } from '@nestjs/common';
import { messageOf, PeriodicJob, PG_POOL } from '@ledger/platform';
import { pruneProcessedEvents } from '@ledger/read-model-projection';
import type { Pool } from 'pg';
import { ProjectorMetrics } from '../projection/projector.metrics';
import { ProjectorConfig } from '../projector.config';

/** Rows per DELETE: each chunk is a short transaction, so pruning a large backlog never holds locks for long. */
const PRUNE_CHUNK_SIZE = 5_000;

/** Deletes `processed_events` rows older than the retention, every `PROJECTOR_PRUNE_INTERVAL_MS`. */
@Injectable()
export class ProcessedEventsPruner extends PeriodicJob {
  private readonly logger = new Logger('Pruner');

  constructor(
    private readonly config: ProjectorConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly metrics: ProjectorMetrics,
  ) {
    super(config.PROJECTOR_PRUNE_INTERVAL_MS);
  }

  protected async round(): Promise<void> {
    try {
      const deleted = await pruneProcessedEvents(this.pool, {
        olderThanSeconds: this.config.PROJECTOR_PROCESSED_RETENTION_SECONDS,
        chunkSize: PRUNE_CHUNK_SIZE,
        signal: this.stopSignal,
      });
      this.metrics.processedEventsPruned.inc(deleted);
      if (deleted > 0) this.logger.log(`pruned ${deleted} processed event id(s)`);
    } catch (error) {
      this.logger.warn(`cannot prune processed events: ${messageOf(error)}`);
    }
  }
}
