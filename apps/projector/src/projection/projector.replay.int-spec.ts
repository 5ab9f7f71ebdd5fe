import {
  accountSnapshots,
  AccountHistory,
  eventually,
  expectedAccount,
  historyVersions,
  interleaved,
  readModelDump,
} from '@ledger/testing';
import { metricValue, startProjector, type InProcessProjector, type ProjectorSettings } from '../testing/projector-harness';
import { projectorTestEnv, single, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

const PARTITIONS = 3;
const ACCOUNTS = 20;
const EVENTS_PER_ACCOUNT = 6;
const UNIQUE_EVENTS = ACCOUNTS * EVENTS_PER_ACCOUNT;

describe('projector replays (real Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  let topic: string;
  const histories = Array.from({ length: ACCOUNTS }, () => new AccountHistory({ deposits: EVENTS_PER_ACCOUNT - 1 }));
  const running: InProcessProjector[] = [];
  let firstStartedAt = Number.NaN;
  const settings = (groupId: string, extra: Record<string, string> = {}): ProjectorSettings => ({
    databaseUrl: env.db.url,
    brokers: env.brokers,
    topic,
    groupId,
    env: { PROJECTOR_BATCH_SIZE: '7', ...extra },
  });
  const start = async (groupId: string, extra?: Record<string, string>) => {
    const projector = await startProjector(settings(groupId, extra));
    running.push(projector);
    return projector;
  };

  beforeAll(async () => {
    env = await projectorTestEnv();
    topic = await env.createTopic('projector-replay', PARTITIONS);
    // Everything twice, as an at-least-once relay may publish it after a restart.
    await env.produce(topic, interleaved(histories));
    await env.produce(topic, interleaved(histories));
  }, 60_000);

  afterAll(async () => {
    for (const projector of running.splice(0)) await projector.close();
    await env.dispose();
  }, 60_000);

  it('given every message delivered twice, then each account equals its fold and the copies are counted as duplicates', async () => {
    firstStartedAt = performance.now();
    const first = await start(`replay-a-${topic}`);
    await waitForGroupAtEnd(env, `replay-a-${topic}`, topic, 60_000);

    const accounts = await accountSnapshots(env.pool);
    expect(accounts.size).toBe(ACCOUNTS);
    for (const history of histories) {
      expect(accounts.get(history.accountId)).toEqual(expectedAccount(history));
      expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const metrics = await first.metrics();
    expect(metricValue(metrics, 'ledger_projector_events_projected_total')).toBe(UNIQUE_EVENTS);
    expect(metricValue(metrics, 'ledger_projector_duplicates_skipped_total')).toBe(UNIQUE_EVENTS);
    expect(metricValue(metrics, 'ledger_projector_dead_letters_total')).toBe(0);
  }, 90_000);

  it('given a second consumer group reading the whole topic again, then not one row changes', async () => {
    const before = await readModelDump(env.pool);
    expect(before['processed']).toHaveLength(UNIQUE_EVENTS);

    const second = await start(`replay-b-${topic}`, { PROJECTOR_BATCH_SIZE: '500' });
    await waitForGroupAtEnd(env, `replay-b-${topic}`, topic, 60_000);

    expect(await readModelDump(env.pool)).toEqual(before);
    const metrics = await second.metrics();
    expect(metricValue(metrics, 'ledger_projector_events_projected_total')).toBe(0);
    expect(metricValue(metrics, 'ledger_projector_duplicates_skipped_total')).toBe(2 * UNIQUE_EVENTS);
  }, 90_000);

  it('after the runs, /metrics shows sane batch, lag and parking figures', async () => {
    const first = single(running.slice(0, 1));
    // The gauges are sampled every 200 ms; wait for a sample taken after everything was committed.
    await eventually(
      async () => metricValue(await first.metrics(), 'ledger_projector_parked_accounts') === 0,
      10_000,
      'the parking gauges to be sampled',
    );
    const text = await first.metrics();
    const batches = metricValue(text, 'ledger_projector_batch_size_messages_count') ?? Number.NaN;
    const messagesInBatches = metricValue(text, 'ledger_projector_batch_size_messages_sum');
    expect(messagesInBatches).toBe(2 * UNIQUE_EVENTS);
    // At most 7 messages per batch (PROJECTOR_BATCH_SIZE), so at least 240 / 7 of them.
    expect(batches).toBeGreaterThanOrEqual(Math.ceil((2 * UNIQUE_EVENTS) / 7));
    expect(metricValue(text, 'ledger_projector_batch_duration_seconds_count')).toBe(batches);
    const durationSum = metricValue(text, 'ledger_projector_batch_duration_seconds_sum') ?? Number.NaN;
    expect(durationSum).toBeGreaterThan(0);
    // Seconds, not milliseconds: every batch ran within the projector's life, at most one per partition at a time.
    expect(durationSum).toBeLessThanOrEqual((PARTITIONS * (performance.now() - firstStartedAt)) / 1000);

    // One observation per account per batch in which it moved; the events occurred in the past, never the future.
    const lagCount = metricValue(text, 'ledger_projector_projection_lag_seconds_count') ?? Number.NaN;
    expect(lagCount).toBeGreaterThanOrEqual(ACCOUNTS);
    expect(lagCount).toBeLessThanOrEqual(UNIQUE_EVENTS);
    expect(metricValue(text, 'ledger_projector_projection_lag_seconds_sum')).toBeGreaterThan(0);

    for (let partition = 0; partition < PARTITIONS; partition++) {
      expect(metricValue(text, 'ledger_projector_consumer_lag_messages', { partition: String(partition) })).toBe(0);
    }
    expect(metricValue(text, 'ledger_projector_held_events')).toBe(0);
    expect(metricValue(text, 'ledger_projector_events_held_total')).toBe(0);
    expect(metricValue(text, 'ledger_projector_consumer_crashes_total')).toBe(0);
  }, 30_000);
});
