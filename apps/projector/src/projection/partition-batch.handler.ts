import { Logger } from '@nestjs/common';
import { messageOf } from '@ledger/platform';
import { SpanKind, withMessageSpans } from '@ledger/tracing';
import { decodeForProjection, rawFromKafka, type BatchOutcome, type ProjectionInput } from '@ledger/read-model-projection';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchApplier } from './batch.applier';
import { consumerLag, offsetAfter } from './consumer-lag';
import { isRebalanceError } from './kafka-errors';
import { chunksOf } from './message-chunks';
import { projectionLagsSeconds } from './projection-lag';
import type { ProjectorMetrics } from './projector.metrics';

export interface PartitionBatchDeps {
  readonly applier: BatchApplier;
  readonly metrics: ProjectorMetrics;
  readonly batchSize: number;
  /** Whether this replica still owns the partition (the latest assignment it was given). */
  readonly owns: (topic: string, partition: number) => boolean;
  /** Called after a commit that wrote dead letters, so their copies go to the dead-letter topic soon. */
  readonly onDeadLetters: () => void;
}

/**
 * One kafkajs batch of one partition, in order, cut into read-model transactions of at most
 * `batchSize` messages. After each commit, and only then: resolve the last offset, commit last + 1
 * to the group, heartbeat. A partition that moves away mid-batch is simply dropped: what was
 * committed stays, the rest is redelivered to the new owner, and the version guard skips replays.
 */
export class PartitionBatchHandler {
  private readonly logger = new Logger('Projector');

  constructor(private readonly deps: PartitionBatchDeps) {}

  async handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const active = () => payload.isRunning() && !payload.isStale() && this.deps.owns(batch.topic, batch.partition);
    const control = { active, heartbeat: () => heartbeat(payload) };
    for (const messages of chunksOf(batch.messages, this.deps.batchSize)) {
      if (!active()) return;
      const inputs = messages.map((message) => decodeForProjection(rawFromKafka(batch.topic, batch.partition, message)));
      const started = performance.now();
      const outcome = await withMessageSpans(messages, processSpans(batch.topic, batch.partition, messages.length), () =>
        this.deps.applier.apply(inputs, control),
      );
      if (outcome === null) return;
      const last = lastOf(messages);
      payload.resolveOffset(last.offset);
      this.record(inputs, outcome, started, consumerLag(batch.highWatermark, offsetAfter(last.offset)), batch.partition);
      if (outcome.deadLettered > 0) this.deps.onDeadLetters();
      if (!(await this.commit(payload, offsetAfter(last.offset)))) return;
      await heartbeat(payload);
    }
  }

  /** False when the partition is no longer ours: stop, and let the new owner continue from the group's offset. */
  private async commit(payload: EachBatchPayload, offset: string): Promise<boolean> {
    const { topic, partition } = payload.batch;
    if (!this.deps.owns(topic, partition)) {
      this.deps.metrics.offsetCommitsSkipped.inc();
      return false;
    }
    try {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      return true;
    } catch (error) {
      if (isRebalanceError(error)) {
        this.deps.metrics.offsetCommitsSkipped.inc();
        this.logger.log(`partition ${partition}: offset ${offset} not committed, the group is rebalancing (${messageOf(error)})`);
        return false;
      }
      // The read model has the batch; a later commit covers this offset, and until then a replay is harmless.
      this.logger.warn(`partition ${partition}: offset ${offset} not committed: ${messageOf(error)}`);
      return true;
    }
  }

  private record(inputs: readonly ProjectionInput[], outcome: BatchOutcome, startedAt: number, lag: number, partition: number): void {
    const { metrics } = this.deps;
    const committedAt = Date.now();
    metrics.batchDuration.observe((performance.now() - startedAt) / 1000);
    metrics.batchSize.observe(inputs.length);
    metrics.eventsProjected.inc(outcome.applied);
    metrics.duplicatesSkipped.inc(outcome.duplicates);
    metrics.eventsHeld.inc(outcome.held);
    metrics.deadLetters.inc(outcome.deadLettered);
    for (const seconds of projectionLagsSeconds(inputs, outcome.moved, committedAt)) metrics.projectionLag.observe(seconds);
    metrics.consumerLag.set({ partition: String(partition) }, lag);
    if (outcome.parked.length > 0) {
      this.logger.warn(`partition ${partition}: parked ${outcome.parked.join(', ')} behind a dead letter`);
    } else if (outcome.deadLettered > 0) {
      this.logger.warn(`partition ${partition}: ${outcome.deadLettered} message(s) naming no account dead-lettered`);
    }
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
