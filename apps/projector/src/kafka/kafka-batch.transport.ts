import { Logger, type INestApplication } from '@nestjs/common';
import {
  BaseRpcContext,
  Server,
  type AsyncMicroserviceOptions,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import { backoffDelay, messageOf, sleep, type BackoffPolicy } from '@ledger/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { ProjectorMetrics } from '../projection/projector.metrics';
import { ProjectorConfig } from '../projector.config';
import { PartitionAssignment } from './partition-assignment';
import { ProjectorKafka } from './projector-kafka';

/** The event pattern of one kafkajs batch: the messages of one partition of the events topic, in order. */
export const PARTITION_BATCH = 'account-events.partition-batch';

/** What an `@EventPattern(PARTITION_BATCH)` handler gets beside the payload: the same kafkajs batch payload. */
export class PartitionBatchContext extends BaseRpcContext<[EachBatchPayload]> {
  getPayload(): EachBatchPayload {
    return this.args[0];
  }
}

export interface KafkaBatchTransportOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly partitionsConcurrently: number;
  /** When the broker answers a fetch: once it holds `minBytes`, or after `maxWaitMs`. */
  readonly fetch: { readonly minBytes: number; readonly maxWaitMs: number };
  readonly backoff: BackoffPolicy;
  readonly assignment: PartitionAssignment;
  readonly metrics: ProjectorMetrics;
}

/**
 * A Nest transport over a kafkajs consumer group in `eachBatch` mode with manual offsets. Nest's own
 * Kafka transport hands a handler one message at a time and commits offsets on its own; here the
 * handler gets a whole partition batch (the kafkajs payload: resolveOffset, commitOffsetsIfNecessary,
 * heartbeat, isRunning, isStale) and commits what its own transaction made durable, nothing else.
 * A handler's error reaches kafkajs as it was thrown (the handler's filter passes it through), so a
 * rebalance ends the batch and the group is rejoined.
 *
 * Listening never blocks the app: while the broker is unreachable the consumer is retried in the
 * background. A consumer that crashes is restarted: by kafkajs for retriable errors, from scratch here
 * for the rest. Closing stops the consumer, which waits for the batches in flight to return.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('Projector');
  private readonly stopping = new AbortController();
  private consumer: Consumer | null = null;
  private starting: Promise<void> | null = null;
  /** Looked up once at listen: Nest's lookup normalises the pattern on every call, a cost per batch otherwise. */
  private handler: MessageHandler | null = null;

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.handler = this.getHandlerByPattern(PARTITION_BATCH);
    if (this.handler === null) {
      callback(new Error(`no @EventPattern('${PARTITION_BATCH}') handler is registered`));
      return;
    }
    this.starting = this.start();
    callback();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await this.consumer?.disconnect().catch((error: unknown) => this.log.warn(`consumer disconnect: ${messageOf(error)}`));
    this.options.assignment.clear();
  }

  on(): never {
    throw new Error('KafkaBatchTransport emits no events; see the consumer metrics and logs');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** Hands one partition batch to its handler and waits for it; its error, if any, goes to kafkajs unchanged. */
  private async dispatch(payload: EachBatchPayload): Promise<void> {
    const { handler } = this;
    if (handler === null) throw new Error(`no @EventPattern('${PARTITION_BATCH}') handler is registered`);
    const result: unknown = await handler(payload, new PartitionBatchContext([payload]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /** Connects, subscribes and runs, retrying with backoff until it runs or the transport closes. */
  private async start(): Promise<void> {
    const { topic, partitionsConcurrently, backoff } = this.options;
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      const consumer = this.createConsumer();
      this.consumer = consumer;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: partitionsConcurrently,
          eachBatch: (payload) => this.dispatch(payload),
        });
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        if (this.stopping.signal.aborted) return;
        const delay = backoffDelay(attempt, backoff);
        this.log.warn(`cannot start consuming ${topic} (${messageOf(error)}); retrying in ${delay} ms`);
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private createConsumer(): Consumer {
    const { kafka, topic, groupId, sessionTimeoutMs, fetch, assignment, metrics } = this.options;
    const consumer = kafka.consumer({
      groupId,
      minBytes: fetch.minBytes,
      maxWaitTimeInMs: fetch.maxWaitMs,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment.assign(payload.memberAssignment[topic] ?? []);
      this.log.log(`joined group ${payload.groupId} with partitions [${assignment.partitions().join(',')}] of ${topic}`);
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, () => metrics.offsetCommits.inc());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      metrics.consumerCrashes.inc();
      assignment.clear();
      this.log.error(`consumer crashed (${messageOf(payload.error)}); ${payload.restart ? 'kafkajs restarts it' : 'starting a new one'}`);
      // kafkajs restarts itself after retriable errors; after the others it has disconnected for good.
      if (!payload.restart && !this.stopping.signal.aborted) this.starting = this.start();
    });
    return consumer;
  }
}

/**
 * Connects the events topic's consumer group to the app as a Nest microservice (a hybrid app: HTTP
 * for health and operators, this transport for the topic). Start it with `app.startAllMicroservices()`
 * once the app is initialised, so every provider has bootstrapped before the first batch arrives.
 */
export function connectPartitionBatches(app: INestApplication): void {
  app.connectMicroservice<AsyncMicroserviceOptions>({
    useFactory: (config: ProjectorConfig, kafka: ProjectorKafka, assignment: PartitionAssignment, metrics: ProjectorMetrics) => ({
      strategy: new KafkaBatchTransport({
        kafka: kafka.kafka,
        topic: config.KAFKA_TOPIC,
        groupId: config.PROJECTOR_GROUP_ID,
        sessionTimeoutMs: config.PROJECTOR_SESSION_TIMEOUT_MS,
        partitionsConcurrently: config.PROJECTOR_PARTITIONS_CONCURRENTLY,
        fetch: { minBytes: config.PROJECTOR_FETCH_MIN_BYTES, maxWaitMs: config.PROJECTOR_FETCH_MAX_WAIT_MS },
        backoff: { initialMs: config.PROJECTOR_BACKOFF_INITIAL_MS, maxMs: config.PROJECTOR_BACKOFF_MAX_MS },
        assignment,
        metrics,
      }),
    }),
    inject: [ProjectorConfig, ProjectorKafka, PartitionAssignment, ProjectorMetrics],
  });
}
