import { IsIn, Matches } from 'class-validator';
import { KafkaConfig, IntegerSetting } from '@ledger/platform';

export const ON_NEW_TOPIC_ACTIONS = ['republish', 'stop'] as const;
export type OnNewTopic = (typeof ON_NEW_TOPIC_ACTIONS)[number];

/** EX_DATAERR: the checkpoint and the Kafka topic disagree; restarting alone does not fix that. */
export const RELAY_HALTED_EXIT_CODE = 65;

export class RelayConfig extends KafkaConfig {
  /** 0 picks a free port (tests run several relays side by side). */
  @IntegerSetting(0, 65535)
  RELAY_PORT: number = 3003;

  /** `/metrics` and readiness details (see CommonConfig). */
  override MANAGEMENT_PORT: number = 9103;

  /** Names the checkpoint row: two relays with different names publish the same events independently. */
  @Matches(/^[\w.-]{1,100}$/, { message: 'must be 1..100 letters, digits, dots, dashes or underscores' })
  RELAY_NAME: string = 'account-events';

  /** Broker-side timeout for acknowledgements from all in-sync replicas. */
  @IntegerSetting(100, 120_000)
  KAFKA_ACK_TIMEOUT_MS: number = 10_000;

  @IntegerSetting(1, 10_000)
  RELAY_BATCH_SIZE: number = 1_000;

  /** Cut a batch before its messages exceed this many bytes (the broker's default request limit is 1 MiB per partition batch). */
  @IntegerSetting(1_024, 100_000_000)
  RELAY_MAX_BATCH_BYTES: number = 900_000;

  /** Polling fallback when no notification arrives. */
  @IntegerSetting(10, 60_000)
  RELAY_POLL_INTERVAL_MS: number = 500;

  /**
   * The checkpoint is saved at most this often while events flow (0: after every batch), and at most
   * this long after the last acknowledgement. A restart resends what was acknowledged but not saved yet.
   */
  @IntegerSetting(0, 60_000)
  RELAY_CHECKPOINT_INTERVAL_MS: number = 100;

  /**
   * Once caught up, reads start at least this long apart (0: at once): under load each batch then
   * gathers what committed meanwhile, which costs the relay, Kafka, the projector and Postgres one round
   * each per batch instead of per few events. The first event after a quiet spell goes at once; under
   * load an event waits this long at most.
   */
  @IntegerSetting(0, 60_000)
  RELAY_LINGER_MS: number = 0;

  /** How often a standby tries to take the lock. */
  @IntegerSetting(50, 60_000)
  RELAY_LEADER_RETRY_MS: number = 1_000;

  @IntegerSetting(1, 60_000)
  RELAY_BACKOFF_INITIAL_MS: number = 100;

  @IntegerSetting(1, 600_000)
  RELAY_BACKOFF_MAX_MS: number = 10_000;

  /** Warn when the oldest unrelayed event, or the oldest open transaction, is older than this. */
  @IntegerSetting(1, 86_400)
  RELAY_LAG_WARNING_SECONDS: number = 30;

  @IntegerSetting(100, 600_000)
  RELAY_LAG_SAMPLE_INTERVAL_MS: number = 2_000;

  /**
   * What the leader does when the Kafka cluster or topic is not the one recorded with the checkpoint
   * (a fresh broker, a rebuilt cluster, a deleted and recreated topic), which therefore lacks the
   * events the checkpoint counts as published: `republish` resets the checkpoint to the origin and
   * sends every stored event again (consumers skip what they already applied); `stop` publishes
   * nothing, reports not ready and exits the process with code 65 for an operator to decide.
   */
  @IsIn(ON_NEW_TOPIC_ACTIONS, { message: `must be one of ${ON_NEW_TOPIC_ACTIONS.join(', ')}` })
  RELAY_ON_NEW_TOPIC: OnNewTopic = 'republish';
}
