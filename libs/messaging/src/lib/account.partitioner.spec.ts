import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { accountPartitioner, murmur2 } from './account.partitioner';

function partitions(count: number, withoutLeader: readonly number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, id) => ({
    partitionId: id,
    leader: withoutLeader.includes(id) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

/** Keys of every length modulo 4, ASCII and not, as strings and as bytes. */
function sampleKeys(): (string | Buffer)[] {
  const keys: (string | Buffer)[] = ['', 'a', 'ab', 'abc', 'abcd', 'konto-ü', '口座-€-😀', 'x'.repeat(200), '口'.repeat(200)];
  for (let i = 0; i < 2_000; i++) {
    keys.push(randomUUID(), `transfer-${randomUUID()}`, randomBytes(i % 37));
  }
  return keys;
}

describe('accountPartitioner', () => {
  it('given any key and partition count, when partitioned, then it picks the partition kafkajs DefaultPartitioner picks', () => {
    const ours = accountPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const mismatches: string[] = [];
    for (const count of [1, 3, 12, 50]) {
      const partitionMetadata = partitions(count);
      for (const key of sampleKeys()) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        if (ours(args) !== theirs(args)) mismatches.push(`${count}: ${key.toString('hex')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('given the Java client test vectors, when hashed, then murmur2 gives the same values', () => {
    // From org.apache.kafka.common.utils.UtilsTest#testMurmur2.
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    expect(cases.map(([key]) => murmur2(Buffer.from(key)))).toEqual(cases.map(([, hash]) => hash));
  });

  it('given a message with a partition, when partitioned, then that partition is kept', () => {
    const partitionMetadata = partitions(12);
    expect(accountPartitioner()({ topic: 't', partitionMetadata, message: { key: 'k', value: null, partition: 7 } })).toBe(7);
  });

  it('given messages without a key, when partitioned, then they go round the partitions with a leader', () => {
    const partitionOf = accountPartitioner();
    const partitionMetadata = partitions(4, [1]);
    const seen = new Set(
      Array.from({ length: 12 }, () => partitionOf({ topic: 't', partitionMetadata, message: { key: null, value: null } })),
    );
    expect([...seen].sort()).toEqual([0, 2, 3]);
  });
});
