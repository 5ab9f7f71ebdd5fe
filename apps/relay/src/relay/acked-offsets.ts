import type { RecordMetadata } from 'kafkajs';

/** A partition acknowledged an offset at or below one it acknowledged before. */
export class OffsetWentBackError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly before: bigint,
    readonly now: bigint,
  ) {
    super(
      `partition ${partition} of ${topic} acknowledged offset ${now} after ${before}: ` +
        'offsets only grow on one topic, so it is not the topic written to before (deleted and created again?)',
    );
    this.name = 'OffsetWentBackError';
  }
}

/**
 * The offsets Kafka acknowledged per partition during one run of the relay loop. A topic deleted and
 * created again under the same name while the relay keeps publishing does not make sends fail (the
 * producer addresses topics by name), but its partitions start again at offset 0: the first
 * acknowledgement that does not grow gives it away, and the loop then checks its destination again.
 */
export class AckedOffsets {
  private readonly last = new Map<string, bigint>();

  /** Records a batch's acknowledgements; throws OffsetWentBackError when one did not grow. */
  advance(acks: readonly RecordMetadata[]): void {
    for (const { topicName, partition, baseOffset } of acks) {
      if (baseOffset === undefined) continue;
      const key = `${topicName}/${partition}`;
      const now = BigInt(baseOffset);
      const before = this.last.get(key);
      if (before !== undefined && now <= before) throw new OffsetWentBackError(topicName, partition, before, now);
      this.last.set(key, now);
    }
  }
}
