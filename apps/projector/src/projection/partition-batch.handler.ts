import { Logger } from '@nestjs/common';
import { messageOf } from '@ledger/platform';
import { SpanKind, withMessageSpans } from '@ledger/tracing';
import { decodeForProjection, rawFromKafka } from '@ledger/read-model-projection';
import type { EachBatchPayload, KafkaMessage, OffsetsByTopicPartition } from 'kafkajs';
import type { OffsetCommitPacer } from '../kafka/offset-commit.pacer';
import type { PartitionChunk } from './chunk-group.applier';
import { consumerLag, offsetAfter } from './consumer-lag';
import { isRebalanceError } from './kafka-errors';
import { chunksOf } from './message-chunks';
import type { ProjectorMetrics } from './projector.metrics';

export interface PartitionBatchDeps {
  /** Applies a chunk, with other partitions' chunks or alone; false when it was given up before committing. */
  readonly apply: (chunk: PartitionChunk) => Promise<boolean>;
  readonly metrics: ProjectorMetrics;
  readonly batchSize: number;
  /** Whether this replica still owns the partition (the latest assignment it was given). */
  readonly owns: (topic: string, partition: number) => boolean;
  /** When the resolved offsets go to the group. */
  readonly offsetCommits: OffsetCommitPacer;
}

/**
 * One kafkajs batch of one partition, in order, cut into chunks of at most `batchSize` messages, each
 * applied before the next (with other partitions' chunks in one transaction, see ChunkGroupApplier).
 * After each commit, and only then: resolve the last offset, commit the resolved offsets to the group
 * when due (see OffsetCommitPacer), heartbeat. A partition that moves away mid-batch is simply dropped:
 * what was committed stays, the rest is redelivered to the new owner, and the version guard skips replays.
 */
export class PartitionBatchHandler {
  private readonly logger = new Logger('Projector');

  constructor(private readonly deps: PartitionBatchDeps) {}

  async handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { partition } = batch;
    const active = () => payload.isRunning() && !payload.isStale() && this.deps.owns(batch.topic, partition);
    const control = { active, heartbeat: () => heartbeat(payload) };
    for (const messages of chunksOf(batch.messages, this.deps.batchSize)) {
      if (!active()) return;
      const inputs = messages.map((message) => decodeForProjection(rawFromKafka(batch.topic, partition, message)));
      const committed = await withMessageSpans(messages, processSpans(batch.topic, partition, messages.length), () =>
        this.deps.apply({ partition, inputs, control }),
      );
      if (!committed) return;
      const last = lastOf(messages);
      payload.resolveOffset(last.offset);
      this.deps.metrics.consumerLag.set({ partition: String(partition) }, consumerLag(batch.highWatermark, offsetAfter(last.offset)));
      if (!(await this.commit(payload))) return;
      await heartbeat(payload);
    }
  }

  /** False when the partition is no longer ours: stop, and let the new owner continue from the group's offset. */
  private async commit(payload: EachBatchPayload): Promise<boolean> {
    const { topic, partition } = payload.batch;
    if (!this.deps.owns(topic, partition)) {
      this.deps.metrics.offsetCommitsSkipped.inc();
      return false;
    }
    if (!this.deps.offsetCommits.due(() => this.commitResolved(payload).then(() => undefined))) return true;
    return this.commitResolved(payload);
  }

  /**
   * Every partition's resolved offset this replica still owns, in one request (the batch payload's
   * `commitOffsetsIfNecessary(offsets)`: one attempt, errors surface at once, unlike
   * `consumer.commitOffsets` which retries through a rebalance). False when the group is rebalancing.
   */
  private async commitResolved(payload: EachBatchPayload): Promise<boolean> {
    const offsets = this.owned(payload.uncommittedOffsets());
    if (offsets.topics.length === 0) return true;
    try {
      await payload.commitOffsetsIfNecessary(offsets);
      return true;
    } catch (error) {
      const committing = offsets.topics.flatMap((t) => t.partitions.map((p) => `${p.partition}@${p.offset}`)).join(', ');
      if (isRebalanceError(error)) {
        this.deps.metrics.offsetCommitsSkipped.inc();
        this.logger.log(`offsets ${committing} not committed, the group is rebalancing (${messageOf(error)})`);
        return false;
      }
      // The read model has the batches; a later commit covers these offsets, and until then a replay is harmless.
      this.logger.warn(`offsets ${committing} not committed: ${messageOf(error)}`);
      return true;
    }
  }

  /** kafkajs keeps resolved offsets by partition as object keys: its partitions come back as strings. */
  private owned(offsets: OffsetsByTopicPartition): OffsetsByTopicPartition {
    const topics = offsets.topics
      .map(({ topic, partitions }) => ({
        topic,
        partitions: partitions
          .map(({ partition, offset }) => ({ partition: Number(partition), offset }))
          .filter(({ partition }) => this.deps.owns(topic, partition)),
      }))
      .filter((t) => t.partitions.length > 0);
    return { topics };
  }
}

/** A rebalance ends the batch (kafkajs rejoins the group); any other heartbeat failure is left to the next one. */
async function heartbeat(payload: EachBatchPayload): Promise<void> {
  try {
    await payload.heartbeat();
  } catch (error) {
    if (isRebalanceError(error)) throw error;
  }
}

/** One span per message, continuing the relay's span from the message headers, over the batch's transaction. */
function processSpans(topic: string, partition: number, batchSize: number) {
  return {
    name: `process ${topic}`,
    kind: SpanKind.CONSUMER,
    attributes: (message: KafkaMessage) => ({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(partition),
      'messaging.kafka.message.key': message.key?.toString() ?? '',
      'messaging.kafka.offset': Number(message.offset),
      'messaging.batch.message_count': batchSize,
      'ledger.event_id': message.headers?.['event-id']?.toString() ?? '',
    }),
  };
}

function lastOf(messages: readonly KafkaMessage[]): KafkaMessage {
  const last = messages[messages.length - 1];
  if (last === undefined) throw new Error('empty chunk');
  return last;
}
