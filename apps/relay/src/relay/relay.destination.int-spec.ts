import { RelayCheckpoints, type RelayCheckpoint } from '@ledger/event-store';
import { ensureTopic, fetchTopicId } from '@ledger/messaging';
import { eventually, uniqueTopicName, type AppProcess } from '@ledger/testing';
import type { Admin } from 'kafkajs';
import { RELAY_HALTED_EXIT_CODE } from '../relay.config';
import { accountIds, committedEvents, runWriters } from '../testing/event-writers';
import { checkDelivery, type ExpectedEvent } from '../testing/relay-delivery.checker';
import { spawnRelayProcess, startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

const PARTITIONS = 4;
const RELAY_NAME = 'account-events';

/**
 * A topic deleted and created again behind an existing checkpoint (the same holds for a fresh broker:
 * another cluster id) must not silently miss the events the checkpoint counts as published.
 */
describe('relay whose Kafka topic was recreated behind its checkpoint', () => {
  let env: RelayTestEnv;
  let admin: Admin;
  let topic = '';
  let relays: InProcessRelay[] = [];
  let readers: TopicReader[] = [];
  let processes: AppProcess[] = [];
  const checkpoints = new RelayCheckpoints(RELAY_NAME);

  const relay = (settings: Record<string, string> = {}) => {
    const started = startRelay({ databaseUrl: env.db.url, brokers: env.brokers, topic, partitions: PARTITIONS, env: settings });
    relays.push(started);
    return started;
  };
  const reader = async () => {
    const started = await readTopic(env.kafka, topic);
    readers.push(started);
    return started;
  };
  const published = async () => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  const currentIds = async () => ({
    clusterId: (await admin.describeCluster()).clusterId,
    topicId: await fetchTopicId({ brokers: env.brokers, topic }),
  });
  const changes = async (r: InProcessRelay) => (await r.metrics.destinationChanges.get()).values;

  /** Publishes some traffic through a first relay and stops it: the checkpoint then counts it all as sent. */
  const publishThenStop = async (): Promise<{ expected: ExpectedEvent[]; before: RelayCheckpoint }> => {
    const first = relay();
    await runWriters(env.pool, { writers: 3, accounts: accountIds(12), events: 240, rollbackRate: 0, holdRate: 0, holdMs: 0 });
    const expected = await committedEvents(env.pool);
    const firstReader = await reader();
    await firstReader.waitFor(expected, 60_000);
    await eventually(async () => (await sampleCaughtUp(first)) === 0, 30_000, 'the checkpoint to pass every event');
    await first.stop();
    return { expected, before: await checkpoints.load(env.pool) };
  };

  /** Deletes the topic and waits until it exists again under a new id (created here, or by a running relay). */
  const recreateTopic = async () => {
    const { topicId: oldId } = await currentIds();
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    // Deletion completes in the background: until it has, the old topic is still there.
    await eventually(
      async () => {
        await ensureTopic(admin, { topic, partitions: PARTITIONS }).catch(() => undefined);
        const id = await fetchTopicId({ brokers: env.brokers, topic }).catch(() => null);
        return id !== null && id !== oldId;
      },
      60_000,
      `topic ${topic} to exist again under a new id`,
      undefined,
      500,
    );
  };

  beforeEach(async () => {
    env = await relayTestEnv();
    admin = env.kafka.admin();
    await admin.connect();
    topic = uniqueTopicName('relay-recreated');
  }, 60_000);

  afterEach(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    await Promise.all(relays.map((r) => r.stop()));
    for (const p of processes) {
      p.kill('SIGKILL');
      await p.exited;
    }
    [readers, relays, processes] = [[], [], []];
    await admin.disconnect();
    await env.dispose([topic]);
  }, 60_000);

  it(
    'given events published, then the topic deleted and created again, when the relay starts (republish), ' +
      'then the new topic gets every event, keyed and in order per account, and the checkpoint names the new topic',
    async () => {
      const { expected, before } = await publishThenStop();
      const oldIds = await currentIds();
      await recreateTopic();
      const newIds = await currentIds();

      const second = relay();
      const newReader = await reader();
      await newReader.waitFor(expected, 90_000);
      await eventually(async () => (await sampleCaughtUp(second)) === 0, 30_000, 'the checkpoint to pass every event again');
      const after = await checkpoints.load(env.pool);

      expect(before.destination).toEqual({ clusterId: oldIds.clusterId, topic, topicId: oldIds.topicId });
      expect(newIds.topicId).not.toBeNull();
      expect(newIds.topicId).not.toBe(oldIds.topicId);
      expect(checkDelivery(expected, newReader.messages).problems).toEqual([]);
      expect(after.destination).toEqual({ clusterId: newIds.clusterId, topic, topicId: newIds.topicId });
      expect(after.position).toEqual(before.position);
      expect(await changes(second)).toEqual([{ labels: { change: 'topic', action: 'republish' }, value: 1 }]);
    },
    240_000,
  );

  it(
    'given events published, then the topic deleted and created again, when the relay starts with RELAY_ON_NEW_TOPIC=stop, ' +
      'then it publishes nothing, leaves the checkpoint alone and reports why',
    async () => {
      const { before } = await publishThenStop();
      const oldIds = await currentIds();
      await recreateTopic();
      const newIds = await currentIds();

      const second = relay({ RELAY_ON_NEW_TOPIC: 'stop' });
      const reason = await withTimeout(second.relay.whenHalted(), 60_000, 'the relay to halt');
      await runWriters(env.pool, { writers: 1, accounts: accountIds(2), events: 10, rollbackRate: 0, holdRate: 0, holdMs: 0 });

      expect(reason).toContain(`topic ${topic} (id ${oldIds.topicId})`);
      expect(reason).toContain(`topic ${topic} (id ${newIds.topicId})`);
      expect(reason).toContain(`transaction ${before.position.transactionId}, position ${before.position.globalPosition}`);
      expect(reason).toContain('RELAY_ON_NEW_TOPIC=stop');
      await expect(second.relay.checkPublishing()).rejects.toThrow(/halted: the Kafka topic changed/);
      expect(second.relay.isLeader()).toBe(false);
      expect(await published()).toBe(0);
      expect(await checkpoints.load(env.pool)).toEqual(before);
      expect(await changes(second)).toEqual([{ labels: { change: 'topic', action: 'stop' }, value: 1 }]);
    },
    240_000,
  );

  it(
    'given a running relay, when its topic is deleted and created again and appends go on, ' +
      'then the relay notices and the new topic gets every event, the history republished from the start',
    async () => {
      const running = relay();
      await runWriters(env.pool, { writers: 2, accounts: accountIds(8), events: 120, rollbackRate: 0, holdRate: 0, holdMs: 0 });
      await eventually(async () => (await published()) >= 120, 60_000, 'the first events to be published');

      await recreateTopic();
      await runWriters(env.pool, { writers: 2, accounts: accountIds(8), events: 120, rollbackRate: 0, holdRate: 0, holdMs: 0 });
      const expected = await committedEvents(env.pool);
      const newReader = await reader();
      await newReader.waitFor(expected, 90_000);
      const newIds = await currentIds();

      // Sends to the recreated topic succeed (the producer addresses it by name): the first batch per
      // partition lands before the relay sees the offsets go back, so per-account order is not checked
      // here, only that nothing is missing and the change was handled.
      expect(expected).toHaveLength(240);
      expect(checkDelivery(expected, newReader.messages).problems.filter((p) => p.startsWith('missing'))).toEqual([]);
      expect(await changes(running)).toEqual([{ labels: { change: 'topic', action: 'republish' }, value: 1 }]);
      expect((await checkpoints.load(env.pool)).destination).toEqual({ clusterId: newIds.clusterId, topic, topicId: newIds.topicId });
    },
    240_000,
  );

  it('given RELAY_ON_NEW_TOPIC=stop and a recreated topic, when the relay process starts, then it logs why and exits non-zero', async () => {
    await publishThenStop();
    await recreateTopic();

    const child = spawnRelayProcess({
      databaseUrl: env.db.url,
      brokers: env.brokers,
      topic,
      partitions: PARTITIONS,
      env: { RELAY_ON_NEW_TOPIC: 'stop' },
    });
    processes.push(child);
    const code = await withTimeout(child.exited, 120_000, 'the relay process to exit');
    const explained = child.output.some((line) => line.includes('the Kafka topic changed') && line.includes('RELAY_ON_NEW_TOPIC=stop'));

    expect({ code, explained, output: code === RELAY_HALTED_EXIT_CODE ? [] : child.output.slice(-20) }).toEqual({
      code: RELAY_HALTED_EXIT_CODE,
      explained: true,
      output: [],
    });
    expect(await published()).toBe(0);
  }, 240_000);
});

async function sampleCaughtUp(relay: InProcessRelay): Promise<number> {
  return (await relay.relay.sampleLag()).pendingEvents;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
