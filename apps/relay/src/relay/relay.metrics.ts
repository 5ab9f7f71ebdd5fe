import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The relay's Prometheus metrics, registered in the app's registry. */
export class RelayMetrics {
  readonly eventsRelayed: Counter;
  readonly batchesRelayed: Counter;
  readonly batchSize: Histogram;
  readonly publishFailures: Counter;
  /** Seconds from an event's recording to Kafka's acknowledgement, observed per batch (its newest event). */
  readonly relayDelay: Histogram;
  readonly lastRelayedEventDelay: Gauge;
  readonly lagEvents: Gauge;
  readonly oldestUnrelayedEventAge: Gauge;
  readonly oldestOpenTransactionAge: Gauge;
  /** Reads that found committed events the horizon still hides behind an older open transaction. */
  readonly heldBackReads: Counter;
  readonly leader: Gauge;
  /** Labelled by what changed (cluster, topic) and what the relay did about it (republish, stop). */
  readonly destinationChanges: Counter<'change' | 'action'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsRelayed = new Counter({
      name: 'ledger_relay_events_relayed_total',
      help: 'Events produced to Kafka and acknowledged (duplicates after a restart included).',
      registers,
    });
    this.batchesRelayed = new Counter({
      name: 'ledger_relay_batches_relayed_total',
      help: 'Batches produced to Kafka and acknowledged.',
      registers,
    });
    this.batchSize = new Histogram({
      name: 'ledger_relay_batch_size_events',
      help: 'Events per acknowledged batch.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
      registers,
    });
    this.publishFailures = new Counter({
      name: 'ledger_relay_failures_total',
      help: 'Topic, read, produce or checkpoint failures; each one makes the relay back off and resend from its checkpoint.',
      registers,
    });
    this.relayDelay = new Histogram({
      name: 'ledger_relay_event_delay_seconds',
      help: 'Time from an event being recorded to Kafka acknowledging it (newest event of each batch).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.lastRelayedEventDelay = new Gauge({
      name: 'ledger_relay_last_event_delay_seconds',
      help: 'Time from recording to acknowledgement of the last relayed event.',
      registers,
    });
    this.lagEvents = new Gauge({
      name: 'ledger_relay_lag_events',
      help: 'Committed events after the checkpoint (capped at one million).',
      registers,
    });
    this.oldestUnrelayedEventAge = new Gauge({
      name: 'ledger_relay_oldest_unrelayed_event_age_seconds',
      help: 'Age of the first event after the checkpoint in commit order; 0 when caught up.',
      registers,
    });
    this.oldestOpenTransactionAge = new Gauge({
      name: 'ledger_relay_oldest_open_transaction_age_seconds',
      help: 'Age of the oldest transaction holding an xid: the relay cannot pass it until it ends.',
      registers,
    });
    this.heldBackReads = new Counter({
      name: 'ledger_relay_held_back_reads_total',
      help: 'Reads that found committed events hidden behind an older open transaction; each one schedules a quick recheck.',
      registers,
    });
    this.leader = new Gauge({
      name: 'ledger_relay_leader',
      help: '1 while this replica holds the relay lock and publishes, 0 on standby.',
      registers,
    });
    this.destinationChanges = new Counter({
      name: 'ledger_relay_destination_changes_total',
      help: 'Times the Kafka cluster or topic differed from the one recorded with the checkpoint (a new broker, a recreated topic).',
      labelNames: ['change', 'action'],
      registers,
    });
  }
}
