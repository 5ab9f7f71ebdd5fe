import { Matches } from 'class-validator';
import { KafkaConfig, IntegerSetting } from '@ledger/platform';

export class ProjectorConfig extends KafkaConfig {
  /** 0 picks a free port (tests run several projectors side by side). */
  @IntegerSetting(0, 65535)
  PROJECTOR_PORT: number = 3004;

  /** `/metrics` and readiness details (see CommonConfig). */
  override MANAGEMENT_PORT: number = 9104;

  /** Replicas with the same group id share the partitions; another group id projects everything again. */
  @Matches(/^[\w.-]{1,200}$/, { message: 'must be 1..200 letters, digits, dots, dashes or underscores' })
  PROJECTOR_GROUP_ID: string = 'ledger-projector';

  /** Messages per read-model transaction: larger amortises the commit, smaller bounds the work a failure redoes. */
  @IntegerSetting(1, 10_000)
  PROJECTOR_BATCH_SIZE: number = 500;

  /**
   * Messages one read-model transaction takes from the chunks that wait for it (a chunk larger than
   * this still goes, alone): the partitions' chunks that are ready together commit together.
   */
  @IntegerSetting(1, 100_000)
  PROJECTOR_TRANSACTION_MAX_MESSAGES: number = 2_000;

  /**
   * Account rows the projector keeps from its own writes (the least recently used dropped), so a batch
   * of accounts it knows is written in one statement without reading them first; 0 keeps none. About
   * 1 KB each. A row another writer changed meanwhile is detected and costs a retry under locks.
   */
  @IntegerSetting(0, 10_000_000)
  PROJECTOR_CACHED_ACCOUNTS: number = 50_000;

  /** Read-model transactions in flight at once; chunks that arrive meanwhile wait and go together in the next. */
  @IntegerSetting(1, 100)
  PROJECTOR_TRANSACTIONS_CONCURRENTLY: number = 2;

  /**
   * At most one offset commit per interval, covering every partition; it never passes what the read
   * model committed, and trails it by at most this after the last batch. 0 commits after every transaction.
   */
  @IntegerSetting(0, 60_000)
  PROJECTOR_OFFSET_COMMIT_INTERVAL_MS: number = 1_000;

  /**
   * The broker answers a fetch once it holds this many bytes for it, or after
   * `PROJECTOR_FETCH_MAX_WAIT_MS`. 1 answers as soon as anything arrived: least latency, and under a
   * light load a transaction for every few events. More trades up to that wait for fewer, larger
   * transactions (the CPU per event falls with them).
   */
  @IntegerSetting(1, 10_485_760)
  PROJECTOR_FETCH_MIN_BYTES: number = 1;

  /** How long the broker holds a fetch it cannot yet answer (see PROJECTOR_FETCH_MIN_BYTES). */
  @IntegerSetting(0, 30_000)
  PROJECTOR_FETCH_MAX_WAIT_MS: number = 5_000;

  /** Partitions applied at the same time by one replica; more than the partitions it owns adds nothing. */
  @IntegerSetting(1, 1_000)
  PROJECTOR_PARTITIONS_CONCURRENTLY: number = 12;

  /** Failures of a batch (other than the database being unreachable) before its accounts are applied one by one. */
  @IntegerSetting(1, 100)
  PROJECTOR_MAX_ATTEMPTS: number = 5;

  /** First delay after a failed batch; it doubles per failure (with jitter) up to the maximum. */
  @IntegerSetting(1, 60_000)
  PROJECTOR_BACKOFF_INITIAL_MS: number = 100;

  @IntegerSetting(1, 600_000)
  PROJECTOR_BACKOFF_MAX_MS: number = 10_000;

  /** A replica that stops heartbeating for this long loses its partitions to the others. */
  @IntegerSetting(6_000, 300_000)
  PROJECTOR_SESSION_TIMEOUT_MS: number = 30_000;

  /** Every dead letter is copied here, for whatever watches failures outside the database. */
  @Matches(/^[\w.-]{1,249}$/, { message: 'must be a valid Kafka topic name' })
  KAFKA_DLQ_TOPIC: string = 'account-events.dlq';

  /** Catches dead letters whose copy a crash or a broker outage left unpublished. */
  @IntegerSetting(100, 3_600_000)
  PROJECTOR_DLQ_SWEEP_INTERVAL_MS: number = 30_000;

  /** Processed event ids are kept this long for audit; the per-account version guard keeps duplicates out after that. */
  @IntegerSetting(1, 31_536_000)
  PROJECTOR_PROCESSED_RETENTION_SECONDS: number = 604_800;

  @IntegerSetting(100, 86_400_000)
  PROJECTOR_PRUNE_INTERVAL_MS: number = 600_000;

  /** How often the parked-account, held-event and consumer-lag gauges are refreshed. */
  @IntegerSetting(100, 600_000)
  PROJECTOR_METRICS_SAMPLE_INTERVAL_MS: number = 5_000;
}
