import { testKafkaBrokers, uniqueTopicName } from '@ledger/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { createKafka } from './kafka-client';
import { ensureTopic } from './topic';

describe('ensureTopic against a real broker', () => {
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    admin = createKafka('topic-test', testKafkaBrokers()).admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  /** The topic's own setting of `name`: its value, and whether the topic carries it rather than inheriting the broker's default. */
  const topicSetting = async (topic: string, name: string) => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
    });
    const entry = resources[0]?.configEntries.find((e) => e.configName === name);
    return { value: entry?.configValue, setOnTopic: entry?.isDefault === false };
  };

  it('given a topic it creates, then the topic carries the min.insync.replicas it was given, not the broker default', async () => {
    const topic = uniqueTopicName('topic-durability');
    created.push(topic);

    // The local broker is a single node: replication factor 1 leaves min.insync.replicas 1 as the only choice.
    const ensured = await ensureTopic(admin, { topic, partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 });

    expect(ensured).toEqual({ topic, created: true, partitions: 2 });
    expect(await topicSetting(topic, 'min.insync.replicas')).toEqual({ value: '1', setOnTopic: true });
  });

  it('given more in-sync replicas than replicas, then it refuses before asking the broker', async () => {
    const topic = uniqueTopicName('topic-durability');

    await expect(ensureTopic(admin, { topic, replicationFactor: 1, minInsyncReplicas: 2 })).rejects.toThrow(RangeError);
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
