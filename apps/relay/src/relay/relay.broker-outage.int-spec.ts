import { RelayCheckpoints } from '@ledger/event-store';
import { eventually, uniqueTopicName } from '@ledger/testing';
import { createKafka } from '@ledger/messaging';
import type { Kafka } from 'kafkajs';
import { accountIds, committedEvents, runWriters } from '../testing/event-writers';
import { KafkaProxy } from '../testing/kafka-proxy';
import { checkDelivery } from '../testing/relay-delivery.checker';
import { startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

const RELAY_NAME = 'relay-outage';

describe('relay while the broker is unreachable', () => {
  const topic = uniqueTopicName('relay-outage');
  let env: RelayTestEnv;
  let proxy: KafkaProxy;
  let relay: InProcessRelay | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    env = await relayTestEnv();
    proxy = await KafkaProxy.inFrontOf(env.brokers[0] ?? '127.0.0.1:9092');
  }, 60_000);

  afterAll(async () => {
    await reader?.stop();
    await relay?.stop();
    await proxy.stop();
    await env.dispose([topic]);
  }, 60_000);

  it('given appends continuing through a broker outage, when the broker is back, then the relay stalled, skipped nothing and caught up', async () => {
    relay = startRelay(
      { databaseUrl: env.db.url, brokers: env.brokers, topic, partitions: 6, env: { RELAY_BACKOFF_MAX_MS: '1000', RELAY_NAME } },
      { kafka: createKafka('relay-behind-proxy', env.brokers, proxy.socketFactory) },
    );
    const writing = runWriters(env.pool, {
      writers: 4,
      accounts: accountIds(30),
      events: 1_500,
      rollbackRate: 0.03,
      holdRate: 0,
      holdMs: 0,
      pauseMs: 20,
    });
    await eventually(() => relay?.relay.isLeader() === true, 15_000, 'leadership');
    // The topic exists once the relay has published something.
    await eventually(async () => ((await relay?.metrics.eventsRelayed.get())?.values[0]?.value ?? 0) > 0, 15_000, 'a first batch');
    reader = await readTopic(env.kafka, topic);
    await eventually(() => (reader?.messages.length ?? 0) >= 200, 30_000, '200 relayed events');
    const failures = async () => (await relay?.metrics.publishFailures.get())?.values[0]?.value ?? 0;
    const failuresBefore = await failures();

    await proxy.disconnect();
    // A failed attempt ends the relay's publishing (it publishes one batch at a time and moves the
    // checkpoint only after the ack): from here on, nothing may reach the topic or the checkpoint.
    await eventually(async () => (await failures()) > failuresBefore, 30_000, 'a failed publish');
    const topicWhenCut = await topicEnd(env.kafka, topic);
    const checkpointWhenCut = await checkpoint(env);
    // Two more failed attempts, with appends going on: the relay kept trying, and the topic is read
    // directly from the broker (not through the cut proxy).
    const failuresAtCut = await failures();
    await eventually(async () => (await failures()) >= failuresAtCut + 2, 30_000, 'two more failed publishes');
    const topicAfterRetries = await topicEnd(env.kafka, topic);
    const checkpointAfterRetries = await checkpoint(env);
    await proxy.restore();

    await writing;
    const expected = await committedEvents(env.pool);
    await reader.waitFor(expected, 60_000);

    expect(topicAfterRetries).toEqual(topicWhenCut);
    expect(checkpointAfterRetries).toBe(checkpointWhenCut);
    const report = checkDelivery(expected, reader.messages);
    expect(report.problems).toEqual([]);
  }, 120_000);
});

/** Each partition's high watermark, as the broker holds it. */
async function topicEnd(kafka: Kafka, topic: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

async function checkpoint(env: RelayTestEnv): Promise<string> {
  const { position } = await new RelayCheckpoints(RELAY_NAME).load(env.pool);
  return `${position.transactionId}/${position.globalPosition}`;
}
