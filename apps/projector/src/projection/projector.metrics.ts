import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The projector's Prometheus metrics, registered in the app's registry. */
export class ProjectorMetrics {
  readonly eventsProjected: Counter;
  readonly duplicatesSkipped: Counter;
  readonly eventsHeld: Counter;
  readonly deadLetters: Counter;
  readonly deadLettersPublished: Counter;
  readonly batchSize: Histogram;
  readonly transactionSize: Histogram;
  readonly transactionChunks: Histogram;
  readonly batchDuration: Histogram;
  /** Seconds from an event occurring to the commit that projected it (the newest event per account and batch). */
  readonly projectionLag: Histogram;
  readonly consumerLag: Gauge<'partition'>;
  readonly batchFailures: Counter<'kind'>;
  readonly offsetCommits: Counter;
  readonly offsetCommitsSkipped: Counter;
  readonly consumerCrashes: Counter;
  readonly parkedAccounts: Gauge;
  readonly parkedTransfers: Gauge;
  readonly heldEvents: Gauge;
  readonly processedEventsPruned: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsProjected = new Counter({
      name: 'ledger_projector_events_projected_total',
      help: 'Events applied to the read model.',
      registers,
    });
    this.duplicatesSkipped = new Counter({
      name: 'ledger_projector_duplicates_skipped_total',
      help: 'Events at or below their account version (redeliveries, replays), skipped by the version guard.',
      registers,
    });
    this.eventsHeld = new Counter({
      name: 'ledger_projector_events_held_total',
      help: 'Events of parked accounts stored in order in parked_events instead of being applied.',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'ledger_projector_dead_letters_total',
      help: 'Messages that can never apply as they are (poison, version gaps, refused rows), written to dead_letters.',
      registers,
    });
    this.deadLettersPublished = new Counter({
      name: 'ledger_projector_dead_letters_published_total',
      help: 'Dead letters copied to the dead-letter topic and acknowledged.',
      registers,
    });
    this.batchSize = new Histogram({
      name: 'ledger_projector_batch_size_messages',
      help: "Messages per committed chunk: a partition's part of a read-model transaction, at most PROJECTOR_BATCH_SIZE.",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
      registers,
    });
    this.transactionSize = new Histogram({
      name: 'ledger_projector_transaction_size_messages',
      help: "Messages per committed read-model transaction (the partitions' chunks it took together): events per transaction.",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
      registers,
    });
    this.transactionChunks = new Histogram({
      name: 'ledger_projector_transaction_chunks',
      help: "Partitions' chunks per committed read-model transaction (chunks that were ready together share one).",
      buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'ledger_projector_batch_duration_seconds',
      help: 'Time to apply and commit one chunk, from handing it over (waiting for its transaction and retries included).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.projectionLag = new Histogram({
      name: 'ledger_projector_projection_lag_seconds',
      help: 'Time from an event occurring to the commit that put it in the read model (newest event per account and batch).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'ledger_projector_consumer_lag_messages',
      help: "Messages of a partition this replica owns that are not yet projected: high watermark minus the group's next offset.",
      labelNames: ['partition'],
      registers,
    });
    this.batchFailures = new Counter({
      name: 'ledger_projector_batch_failures_total',
      help: 'Failed read-model transactions, by kind (outage, transient: retried until they pass; data, unexplained: retried, then applied account by account).',
      labelNames: ['kind'],
      registers,
    });
    this.offsetCommits = new Counter({
      name: 'ledger_projector_offset_commits_total',
      help: 'Offset commit requests the consumer sent to the group coordinator (each covers every partition resolved since the last).',
      registers,
    });
    this.offsetCommitsSkipped = new Counter({
      name: 'ledger_projector_offset_commits_skipped_total',
      help: 'Offset commits dropped because the partition moved to another replica; it replays from the last commit, duplicates are skipped.',
      registers,
    });
    this.consumerCrashes = new Counter({
      name: 'ledger_projector_consumer_crashes_total',
      help: 'Times the Kafka consumer crashed and was restarted.',
      registers,
    });
    this.parkedAccounts = new Gauge({
      name: 'ledger_projector_parked_accounts',
      help: 'Accounts parked behind a dead letter, waiting for an operator.',
      registers,
    });
    this.parkedTransfers = new Gauge({
      name: 'ledger_projector_parked_transfers',
      help: 'Transfers whose own stream is parked behind a dead letter, waiting for an operator.',
      registers,
    });
    this.heldEvents = new Gauge({
      name: 'ledger_projector_held_events',
      help: 'Events held behind parked accounts and transfers.',
      registers,
    });
    this.processedEventsPruned = new Counter({
      name: 'ledger_projector_processed_events_pruned_total',
      help: 'processed_events rows deleted once older than the retention.',
      registers,
    });
  }
}
