import { PostgresEventStore } from '@ledger/event-store';
import { sleep } from '@ledger/platform';
import { eventually, uniqueTopicName } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

const POLL_INTERVAL_MS = 60_000;

function deposit() {
  return {
    eventId: randomUUID(),
    type: 'MoneyDeposited',
    schemaVersion: 1,
    data: { amount: 1 },
    metadata: { correlationId: randomUUID(), causationId: null },
    occurredAt: new Date(),
  };
}

describe('relay behind an older open transaction', () => {
  const topic = uniqueTopicName('relay-horizon');
  let env: RelayTestEnv;
  let relay: InProcessRelay | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    env = await relayTestEnv();
  }, 60_000);

  afterAll(async () => {
    await reader?.stop();
    await relay?.stop();
    await env.dispose([topic]);
  }, 60_000);

  it('given an append committed while an older write transaction runs, when that transaction ends unannounced, then the relay sends the append long before its poll interval', async () => {
    relay = startRelay({
      databaseUrl: env.db.url,
      brokers: env.brokers,
      topic,
      partitions: 3,
      env: { RELAY_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) },
    });
    const store = new PostgresEventStore(env.pool);
    const first = deposit();
    await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [first] });
    // The relay creates the topic with its first batch.
    const { metrics } = relay;
    await eventually(async () => ((await metrics.eventsRelayed.get()).values[0]?.value ?? 0) >= 1, 30_000, 'the first append relayed');
    reader = await readTopic(env.kafka, topic);
    await reader.waitFor([first.eventId], 30_000);

    const older = await env.pool.connect();
    const behind = deposit();
    const startedAt = Date.now();
    try {
      await older.query('BEGIN');
      // An xid and nothing else: its end notifies nobody.
      await older.query('SELECT pg_current_xact_id()');
      await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [behind] });
      // The append's notification wakes the relay, which finds it hidden behind the open transaction.
      await sleep(300);
      expect(reader.eventIds.has(behind.eventId)).toBe(false);
      await older.query('COMMIT');
    } finally {
      older.release();
    }

    await reader.waitFor([behind.eventId], 15_000);
    expect(Date.now() - startedAt).toBeLessThan(POLL_INTERVAL_MS);
  }, 120_000);
});
