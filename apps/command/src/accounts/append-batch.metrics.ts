import { Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@ledger/event-store';
import { MetricsRegistry } from '@ledger/platform';
import { Counter, Gauge } from 'prom-client';

/**
 * Group commit as Prometheus sees it, read from the store at each scrape: batched appends over
 * batches is the mean number of appends per commit, which falls to 1 when the load is light.
 */
@Injectable()
export class AppendBatchMetrics {
  constructor(store: PostgresEventStore, registry: MetricsRegistry) {
    const stats = () => store.groupCommitStats();
    new Counter({
      name: 'ledger_event_store_append_batches_total',
      help: 'Append statements run by group commit (one commit each)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats().batches);
      },
    });
    new Counter({
      name: 'ledger_event_store_batched_appends_total',
      help: 'Appends those statements carried; divided by the batches, the mean appends per commit',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats().items);
      },
    });
    new Gauge({
      name: 'ledger_event_store_largest_append_batch',
      help: 'The most appends one commit has carried since the process started',
      registers: [registry],
      collect() {
        this.set(stats().largestBatch);
      },
    });
  }
}
