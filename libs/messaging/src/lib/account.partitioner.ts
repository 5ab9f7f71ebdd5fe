import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * The Java client's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`) over the first `length`
 * bytes, in 32-bit integer arithmetic. kafkajs computes the same hash with 64-bit Long objects, several
 * allocations per four bytes of key: a visible share of the relay's CPU and garbage per message.
 */
export function murmur2(data: Uint8Array, length: number = data.length): number {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= (data[whole + 2] as number) << 16;
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** Stream ids are at most 200 characters, so at most 600 UTF-8 bytes: one buffer serves every key. */
const scratch = Buffer.alloc(1024);

function keyHash(key: Buffer | string): number {
  if (typeof key !== 'string') return murmur2(key);
  if (key.length * 3 > scratch.length) return murmur2(Buffer.from(key));
  return murmur2(scratch, scratch.write(key));
}

/**
 * The Java client's murmur2 partitioner: a key lands on the same partition whichever client produces
 * it, so the relay, the benchmarks and Kafka's own tools agree. It is kafkajs' DefaultPartitioner, partition for partition: the given partition if any, else murmur2 of
 * the key (made positive) modulo the partition count, else round robin over the partitions with a
 * leader. Only the hash is computed differently (see murmur2).
 */
export const accountPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return (keyHash(message.key) & 0x7fffffff) % partitionMetadata.length;
    }
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const counter = (counters.get(topic) ?? Math.floor(Math.random() * 0x100000000)) + 1;
    counters.set(topic, counter);
    const turn = counter & 0x7fffffff;
    // None with a leader: kafkajs then names a partition by its index.
    return available.length > 0 ? (available[turn % available.length]?.partitionId ?? 0) : turn % partitionMetadata.length;
  };
};
