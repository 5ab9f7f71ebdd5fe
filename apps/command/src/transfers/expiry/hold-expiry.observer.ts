import { Logger } from '@nestjs/common';
import type { HoldExpiryMetrics } from './hold-expiry.metrics';
import type { HoldExpiryObserver } from './hold-expiry.sweep';

/** What the sweep reports, as metrics and log lines. */
export class HoldExpiryReporter implements HoldExpiryObserver {
  private readonly logger = new Logger('HoldExpiry');

  constructor(private readonly metrics: HoldExpiryMetrics) {}

  expired(event: { readonly transferId: string; readonly lagMs: number }): void {
    this.metrics.expired.inc();
    this.metrics.lag.observe(event.lagMs / 1_000);
    this.logger.debug(`transfer ${event.transferId}: hold expired ${event.lagMs} ms after its deadline`);
  }

  failed(event: { readonly streamId: string; readonly reason: string }): void {
    this.metrics.failures.inc();
    this.logger.warn(`stream ${event.streamId}: cannot expire its hold (${event.reason}); tried again on the next sweep`);
  }
}
