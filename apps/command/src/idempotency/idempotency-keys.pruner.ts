import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { pruneIdempotencyKeysBatch } from '@ledger/event-store';
import { messageOf, PeriodicJob, PG_POOL, sleep } from '@ledger/platform';
import type { Pool } from 'pg';
import { CommandConfig } from '../command.config';
import { durationSeconds } from './idempotency-retention';

export interface PrunerPace {
  /** Rows per DELETE: a short statement that never holds many locks. */
  readonly batchSize: number;
  /** Between two batches, so pruning a backlog leaves the database to the commands. */
  readonly pauseMs: number;
  /** How often a round starts. */
  readonly intervalMs: number;
}

const DEFAULT_PACE: PrunerPace = { batchSize: 1_000, pauseMs: 100, intervalMs: 60_000 };

/** Provide it to prune at another pace than the default (tests do). */
export const PRUNER_PACE = Symbol('PRUNER_PACE');

/**
 * Deletes Idempotency-Keys older than `IDEMPOTENCY_RETENTION`, in small batches with a pause between
 * them. Every replica runs one: their batches skip each other's rows (SKIP LOCKED), so running them at
 * once is harmless and no leader is needed.
 */
@Injectable()
export class IdempotencyKeysPruner extends PeriodicJob {
  private readonly logger = new Logger('IdempotencyKeys');
  private readonly retentionSeconds: number;
  private readonly pace: PrunerPace;

  constructor(
    config: CommandConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Optional() @Inject(PRUNER_PACE) pace?: Partial<PrunerPace>,
  ) {
    super(pace?.intervalMs ?? DEFAULT_PACE.intervalMs);
    this.retentionSeconds = durationSeconds(config.IDEMPOTENCY_RETENTION);
    this.pace = { ...DEFAULT_PACE, ...pace };
  }

  /** One round: batches until one comes back short (nothing expired is left) or the app stops. */
  async pruneExpired(): Promise<{ readonly deleted: number; readonly batches: number }> {
    const { batchSize, pauseMs } = this.pace;
    let deleted = 0;
    let batches = 0;
    while (!this.stopSignal.aborted) {
      const count = await pruneIdempotencyKeysBatch(this.pool, { olderThanSeconds: this.retentionSeconds, batchSize });
      deleted += count;
      batches += 1;
      if (count < batchSize) break;
      await sleep(pauseMs, this.stopSignal);
    }
    return { deleted, batches };
  }

  protected async round(): Promise<void> {
    try {
      const { deleted } = await this.pruneExpired();
      if (deleted > 0) this.logger.log(`pruned ${deleted} idempotency key(s) older than ${this.retentionSeconds} s`);
    } catch (error) {
      this.logger.warn(`cannot prune idempotency keys: ${messageOf(error)}`);
    }
  }
}
