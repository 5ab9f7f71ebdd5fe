import { Logger } from '@nestjs/common';
import { messageOf } from '@ledger/platform';
import type { Pool } from 'pg';
import type { RelayMetrics } from './relay.metrics';

export interface LagSample {
  readonly pendingEvents: number;
  readonly oldestUnrelayedAgeSeconds: number;
  readonly oldestOpenTransactionAgeSeconds: number;
}

interface LagRow {
  readonly pending: string;
  readonly oldest_unrelayed_age: number | null;
  readonly oldest_open_transaction_age: number | null;
}

const PENDING_CAP = 1_000_000;

/**
 * Horizon: `pg_snapshot_xmin` is the oldest transaction that holds an xid (it wrote something), and
 * the relay cannot pass it until it ends. A transaction that only reads (backend_xmin, no xid) does
 * not hold the relay back, so it is not counted. The view is cluster-wide, like the horizon.
 */
const SAMPLE_LAG = {
  name: 'relay_sample_lag',
  text: `
    WITH cp AS (
      SELECT coalesce((SELECT transaction_id FROM event_store.relay_checkpoints WHERE name = $1), '0'::xid8) AS xid,
             coalesce((SELECT global_position FROM event_store.relay_checkpoints WHERE name = $1), 0) AS pos
    )
    SELECT
      (SELECT count(*) FROM (
         SELECT 1 FROM event_store.events e, cp
          WHERE (e.transaction_id, e.global_position) > (cp.xid, cp.pos) LIMIT ${PENDING_CAP}) p
      )::text AS pending,
      (SELECT extract(epoch FROM clock_timestamp() - e.recorded_at)::float8
         FROM event_store.events e, cp
        WHERE (e.transaction_id, e.global_position) > (cp.xid, cp.pos)
        ORDER BY e.transaction_id, e.global_position LIMIT 1) AS oldest_unrelayed_age,
      (SELECT extract(epoch FROM max(clock_timestamp() - xact_start))::float8
         FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()) AS oldest_open_transaction_age`,
};

/** Samples the relay's lag into gauges and warns (at most once per interval) when it passes a threshold. */
export class RelayLagMonitor {
  private readonly logger = new Logger('RelayLag');
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;
  private lastWarningAt = 0;

  constructor(
    private readonly pool: Pool,
    private readonly relayName: string,
    private readonly metrics: RelayMetrics,
    private readonly options: { readonly intervalMs: number; readonly warnAfterSeconds: number },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  async sample(): Promise<LagSample> {
    const { rows } = await this.pool.query<LagRow>({ ...SAMPLE_LAG, values: [this.relayName] });
    const row = rows[0];
    const sample: LagSample = {
      pendingEvents: Number(row?.pending ?? 0),
      oldestUnrelayedAgeSeconds: Math.max(0, row?.oldest_unrelayed_age ?? 0),
      oldestOpenTransactionAgeSeconds: Math.max(0, row?.oldest_open_transaction_age ?? 0),
    };
    this.metrics.lagEvents.set(sample.pendingEvents);
    this.metrics.oldestUnrelayedEventAge.set(sample.oldestUnrelayedAgeSeconds);
    this.metrics.oldestOpenTransactionAge.set(sample.oldestOpenTransactionAgeSeconds);
    return sample;
  }

  private async tick(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      this.warnIfLagging(await this.sample());
    } catch (error) {
      this.logger.warn(`cannot sample relay lag: ${messageOf(error)}`);
    } finally {
      this.sampling = false;
    }
  }

  private warnIfLagging(sample: LagSample): void {
    const threshold = this.options.warnAfterSeconds;
    const now = Date.now();
    if (now - this.lastWarningAt < threshold * 1000) return;
    if (sample.oldestOpenTransactionAgeSeconds > threshold) {
      this.lastWarningAt = now;
      this.logger.warn(
        `a transaction has been open for ${sample.oldestOpenTransactionAgeSeconds.toFixed(1)} s: ` +
          'the relay cannot pass it, events committed after it wait',
      );
    } else if (sample.oldestUnrelayedAgeSeconds > threshold) {
      this.lastWarningAt = now;
      this.logger.warn(
        `relay lag: ${sample.pendingEvents} events waiting, the oldest for ${sample.oldestUnrelayedAgeSeconds.toFixed(1)} s`,
      );
    }
  }
}
