import { eventually, uniqueTopicName, type AppProcess } from '@ledger/testing';
import { accountIds, committedEvents, runWriters, type WriterResult } from '../testing/event-writers';
import { checkDelivery } from '../testing/relay-delivery.checker';
import { spawnRelayProcess } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

const LEADER = 'acquired the relay lock';
const STANDBY = 'another replica holds the relay lock';
// Booting from sources under ts-node takes long on a busy two-core machine.
const BOOT_MS = 90_000;

describe('relay failover (real processes, kill -9)', () => {
  let env: RelayTestEnv;
  const topics: string[] = [];
  const processes: AppProcess[] = [];
  const readers: TopicReader[] = [];

  const spawnRelay = (topic: string) => {
    const relay = spawnRelayProcess({ databaseUrl: env.db.url, brokers: env.brokers, topic, partitions: 6 });
    processes.push(relay);
    return relay;
  };
  const appendInBackground = (): Promise<WriterResult> =>
    runWriters(env.pool, {
      writers: 6,
      accounts: accountIds(40),
      events: 1_500,
      rollbackRate: 0.03,
      holdRate: 0,
      holdMs: 0,
      pauseMs: 10,
    });

  // A fresh event store per test: each one checks exactly the events it wrote.
  beforeEach(async () => {
    env = await relayTestEnv();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.stop()));
    for (const relay of processes.splice(0)) {
      relay.kill('SIGKILL');
      await relay.exited;
    }
    await env.dispose(topics.splice(0));
  }, 60_000);

  it('given a relay killed with SIGKILL mid-stream, when a new one starts, then nothing is lost and order is kept', async () => {
    const topic = uniqueTopicName('relay-kill');
    topics.push(topic);
    const first = spawnRelay(topic);
    await first.waitForOutput('relaying from', BOOT_MS);
    const reader = await readTopic(env.kafka, topic);
    readers.push(reader);

    const writing = appendInBackground();
    await eventually(() => reader.messages.length >= 300, 30_000, '300 relayed events');
    first.kill('SIGKILL');
    await first.exited;
    const second = spawnRelay(topic);
    await writing;
    const expected = await committedEvents(env.pool);
    await reader.waitFor(expected, 60_000);

    await second.waitForOutput(LEADER, 1);
    const report = checkDelivery(expected, reader.messages);
    expect(report.problems).toEqual([]);
    expect(expected).toHaveLength(1_500);
  }, 240_000);

  it('given two relays, when the leader is killed with SIGKILL, then the standby takes over within seconds and nothing is lost', async () => {
    const topic = uniqueTopicName('relay-pair');
    topics.push(topic);
    const a = spawnRelay(topic);
    const b = spawnRelay(topic);
    await Promise.all([a.waitForOutput('listening on', BOOT_MS), b.waitForOutput('listening on', BOOT_MS)]);
    await eventually(() => [a, b].some((p) => p.output.some((l) => l.includes('relaying from'))), BOOT_MS, 'a leader');
    const [leader, standby] = a.output.some((l) => l.includes(LEADER)) ? [a, b] : [b, a];
    await standby.waitForOutput(STANDBY, 5_000);
    const reader = await readTopic(env.kafka, topic);
    readers.push(reader);

    const writing = appendInBackground();
    await eventually(() => reader.messages.length >= 300, 30_000, '300 relayed events');
    expect(standby.output.some((l) => l.includes(LEADER))).toBe(false);
    const killedAt = Date.now();
    leader.kill('SIGKILL');
    await standby.waitForOutput(LEADER, 30_000);
    process.stdout.write(`relay failover: the standby took over ${Date.now() - killedAt} ms after the kill\n`);
    await writing;
    const expected = await committedEvents(env.pool);
    await reader.waitFor(expected, 60_000);

    const report = checkDelivery(expected, reader.messages);
    expect(report.problems).toEqual([]);
  }, 240_000);
});
