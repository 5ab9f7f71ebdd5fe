import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per app, injected wherever metrics are defined, so tests that boot
 * several apps in one process never collide on the global registry.
 */
export class MetricsRegistry extends Registry {
  constructor(serviceName: string) {
    super();
    this.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this });
  }
}
