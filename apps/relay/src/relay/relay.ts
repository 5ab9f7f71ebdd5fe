import { RelayCheckpoints } from '@ledger/event-store';
import { KafkaAdminSession } from '@ledger/messaging';
import { brokerList, LeaderElection, RELAY_LOCK_KEY, WakeSignal } from '@ledger/platform';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { RelayConfig } from '../relay.config';
import { AppendNotificationsListener } from './append-notifications.listener';
import { DestinationGuard } from './destination.guard';
import { KafkaDestinationProbe } from './kafka-destination.probe';
import { KafkaPublisher } from './kafka.publisher';
import { RelayLagMonitor } from './relay.lag-monitor';
import { RelayLoop } from './relay.loop';
import type { RelayMetrics } from './relay.metrics';
import { RelayRunner } from './relay.runner';

export interface RelayDeps {
  readonly config: RelayConfig;
  readonly kafka: Kafka;
  /** For lag sampling only; reads and checkpoints go through the leader's own session. */
  readonly pool: Pool;
  readonly metrics: RelayMetrics;
}

/** The relay assembled from its parts: leader election, notifications, the loop, lag sampling. */
export class Relay {
  private readonly listener: AppendNotificationsListener;
  private readonly runner: RelayRunner;
  private readonly lagMonitor: RelayLagMonitor;
  /** One admin connection for readiness and topic checks, replaced after a failure. */
  private readonly admin: KafkaAdminSession;

  constructor(deps: RelayDeps) {
    const { config, kafka, pool, metrics } = deps;
    const wake = new WakeSignal();
    this.admin = new KafkaAdminSession(kafka);
    const backoff = { initialMs: config.RELAY_BACKOFF_INITIAL_MS, maxMs: config.RELAY_BACKOFF_MAX_MS };
    const publisher = new KafkaPublisher(kafka, { topic: config.KAFKA_TOPIC, ackTimeoutMs: config.KAFKA_ACK_TIMEOUT_MS });
    this.listener = new AppendNotificationsListener(config.DATABASE_URL, 'relay-listen', wake);
    this.lagMonitor = new RelayLagMonitor(pool, config.RELAY_NAME, metrics, {
      intervalMs: config.RELAY_LAG_SAMPLE_INTERVAL_MS,
      warnAfterSeconds: config.RELAY_LAG_WARNING_SECONDS,
    });
    const checkpoints = new RelayCheckpoints(config.RELAY_NAME);
    const probe = new KafkaDestinationProbe(this.admin, {
      brokers: brokerList(config.KAFKA_BROKERS),
      topic: config.KAFKA_TOPIC,
      partitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
    });
    this.runner = new RelayRunner({
      election: new LeaderElection({
        connectionString: config.DATABASE_URL,
        lockKey: RELAY_LOCK_KEY,
        retryIntervalMs: config.RELAY_LEADER_RETRY_MS,
        applicationName: 'relay-leader',
      }),
      loop: new RelayLoop({
        publisher,
        checkpoints,
        guard: new DestinationGuard({
          checkpoints,
          destination: () => probe.current(),
          metrics,
          onNewTopic: config.RELAY_ON_NEW_TOPIC,
        }),
        wake,
        metrics,
        settings: {
          batchSize: config.RELAY_BATCH_SIZE,
          maxBatchBytes: config.RELAY_MAX_BATCH_BYTES,
          pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
          checkpointIntervalMs: config.RELAY_CHECKPOINT_INTERVAL_MS,
          lingerMs: config.RELAY_LINGER_MS,
          backoff,
        },
      }),
      publisher,
      metrics,
    });
  }

  start(): void {
    this.listener.start();
    this.lagMonitor.start();
    this.runner.start();
  }

  async stop(): Promise<void> {
    this.lagMonitor.stop();
    await this.runner.stop();
    await this.listener.stop();
    await this.admin.close();
  }

  isLeader(): boolean {
    return this.runner.isLeader();
  }

  /** Readiness: the broker answers a metadata request. */
  async checkKafka(): Promise<void> {
    await this.admin.probe();
  }

  /** Readiness: not halted (a halted relay publishes nothing; the reason says why). */
  async checkPublishing(): Promise<void> {
    const reason = this.runner.haltedBecause();
    if (reason !== null) throw new Error(`halted: ${reason}`);
  }

  /** Resolves with the reason if the relay halts (RELAY_ON_NEW_TOPIC=stop and the destination changed). */
  whenHalted(): Promise<string> {
    return this.runner.whenHalted();
  }

  sampleLag() {
    return this.lagMonitor.sample();
  }
}
