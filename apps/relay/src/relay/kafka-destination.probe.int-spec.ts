import { createKafka, ensureTopic, KafkaAdminSession } from '@ledger/messaging';
import { testKafkaBrokers, uniqueTopicName } from '@ledger/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { KafkaDestinationProbe } from './kafka-destination.probe';

describe('topics created when missing, against a real broker', () => {
  const brokers = testKafkaBrokers();
  const session = new KafkaAdminSession(createKafka('topic-test', brokers));
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    admin = await session.get();
  });

  afterAll(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await session.close();
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

  it('given the relay topic missing, then the relay creates it with the min.insync.replicas it was given, not the broker default', async () => {
    const topic = uniqueTopicName('topic-durability');
    created.push(topic);
    // The local broker is a single node: replication factor 1 leaves min.insync.replicas 1 as the only choice.
    const probe = new KafkaDestinationProbe(session, { brokers, topic, partitions: 2, replicationFactor: 1, minInsyncReplicas: 1 });

    await probe.current();

    expect(await topicSetting(topic, 'min.insync.replicas')).toEqual({ value: '1', setOnTopic: true });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(2);
  });

  it('given more in-sync replicas than replicas, then the topic is refused before the broker is asked', async () => {
    const topic = uniqueTopicName('topic-durability');

    await expect(ensureTopic(admin, { topic, replicationFactor: 1, minInsyncReplicas: 2 })).rejects.toThrow(RangeError);
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
