import { EVENT_LOOP_SAMPLE_MS, MetricsRegistry } from './metrics.registry';

describe('MetricsRegistry', () => {
  afterEach(() => jest.restoreAllMocks());

  it('given a new registry, then the event loop is sampled every EVENT_LOOP_SAMPLE_MS, not every 10 ms', () => {
    // prom-client's own handle on the module (`require('perf_hooks')`), whose properties can be replaced.
    const monitor = jest.spyOn(require('perf_hooks') as typeof import('node:perf_hooks'), 'monitorEventLoopDelay');

    new MetricsRegistry('test');

    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThan(10);
  });

  it('given a new registry, then the default metrics carry the service label, the event loop lag among them', async () => {
    const registry = new MetricsRegistry('ledger-test');

    const text = await registry.metrics();

    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{service="ledger-test"\} \d/m);
  });
});
