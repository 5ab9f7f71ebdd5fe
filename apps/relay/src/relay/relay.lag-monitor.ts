import { Logger } from '@nestjs/common';
import { sampleRelayLag, type Queryable, type RelayLag } from '@ledger/event-store';
import { messageOf } from '@ledger/platform';
import type { RelayMetrics } from './relay.metrics';

/** Samples the relay's lag into gauges and warns (at most once per interval) when it passes a threshold. */
export class RelayLagMonitor {
  private readonly logger = new Logger('RelayLag');
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;
  private lastWarningAt = 0;

  constructor(
    private readonly db: Queryable,
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

  async sample(): Promise<RelayLag> {
    const sample = await sampleRelayLag(this.db, this.relayName);
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

  private warnIfLagging(sample: RelayLag): void {
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
