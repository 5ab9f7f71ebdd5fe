import { RelayCheckpoints } from '@ledger/event-store';
import { uniqueTopicName } from '@ledger/testing';
import { createKafka } from '@ledger/messaging';
import { sleep } from '@ledger/platform';
import { accountIds, committedEvents, runWriters } from '../testing/event-writers';
import { KafkaProxy } from '../testing/kafka-proxy';
import { checkDelivery } from '../testing/relay-delivery.checker';
import { startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

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
    await until(() => relay?.relay.isLeader() === true, 15_000, 'leadership');
    // The topic exists once the relay has published something.
    await until(async () => ((await relay?.metrics.eventsRelayed.get())?.values[0]?.value ?? 0) > 0, 15_000, 'a first batch');
    reader = await readTopic(env.kafka, topic);
    await until(() => (reader?.messages.length ?? 0) >= 200, 30_000, '200 relayed events');

    await proxy.disconnect();
    await sleep(1_000);
    const relayedWhenCut = reader.messages.length;
    const checkpointWhenCut = await checkpoint(env);
    await sleep(3_000);
    const relayedDuringOutage = reader.messages.length - relayedWhenCut;
    const checkpointMovedDuringOutage = (await checkpoint(env)) !== checkpointWhenCut;
    const failures = (await relay.metrics.publishFailures.get()).values[0]?.value ?? 0;
    await proxy.restore();

    await writing;
    const expected = await committedEvents(env.pool);
    await reader.waitFor(expected, 60_000);

    expect(relayedDuringOutage).toBe(0);
    expect(checkpointMovedDuringOutage).toBe(false);
    expect(failures).toBeGreaterThan(0);
    const report = checkDelivery(expected, reader.messages);
    expect(report.problems).toEqual([]);
  }, 120_000);
});

async function checkpoint(env: RelayTestEnv): Promise<string> {
  const { position } = await new RelayCheckpoints(RELAY_NAME).load(env.pool);
  return `${position.transactionId}/${position.globalPosition}`;
}
