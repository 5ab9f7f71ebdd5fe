import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * How often the event loop's delay is sampled for `nodejs_eventloop_lag_*`. prom-client's default of
 * 10 ms is a timer that wakes an idle app a hundred times a second: a third to a half of what each app
 * spent doing nothing, measured. Every 100 ms still sees every stall longer than that, and shorter
 * ones in proportion to their length; the histogram is read once a scrape.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * One Prometheus registry per app, injected wherever metrics are defined, so tests that boot
 * several apps in one process never collide on the global registry.
 */
export class MetricsRegistry extends Registry {
  constructor(serviceName: string) {
    super();
    this.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }
}
