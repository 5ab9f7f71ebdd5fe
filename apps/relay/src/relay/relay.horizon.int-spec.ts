import { PostgresEventStore, type CommittedEvent } from '@ledger/event-store';
import { sleep } from '@ledger/platform';
import { eventually, uniqueTopicName } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';

const POLL_INTERVAL_MS = 60_000;

describe('relay behind an older open transaction', () => {
  const topic = uniqueTopicName('relay-horizon');
  let env: RelayTestEnv;
  let relay: InProcessRelay | undefined;
  const relayed: CommittedEvent[] = [];

  beforeAll(async () => {
    env = await relayTestEnv();
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await env.dispose([topic]);
  }, 60_000);

  it('given an append committed while an older write transaction runs, when that transaction ends unannounced, then the relay sends the append long before its poll interval', async () => {
    relay = startRelay(
      { databaseUrl: env.db.url, brokers: env.brokers, topic, partitions: 3, env: { RELAY_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) } },
      { onRelayed: (events) => relayed.push(...events) },
    );
    const store = new PostgresEventStore(env.pool);
    const warmUp = randomUUID();
    await store.append({ streamId: warmUp, expectedVersion: 0, events: [depositEvent()] });
    await eventually(() => relayed.some((e) => e.streamId === warmUp), 30_000, 'the first append relayed');

    const older = await env.pool.connect();
    const behind = randomUUID();
    const startedAt = Date.now();
    try {
      await older.query('BEGIN');
      // An xid and nothing else: its end notifies nobody.
      await older.query('SELECT pg_current_xact_id()');
      await store.append({ streamId: behind, expectedVersion: 0, events: [depositEvent()] });
      // The append's notification wakes the relay, which finds it hidden behind the open transaction.
      await sleep(300);
      expect(relayed.map((e) => e.streamId)).not.toContain(behind);
      await older.query('COMMIT');
    } finally {
      older.release();
    }

    await eventually(() => relayed.some((e) => e.streamId === behind), 15_000, 'the held-back append relayed');
    expect(Date.now() - startedAt).toBeLessThan(POLL_INTERVAL_MS);
  }, 90_000);
});

function depositEvent() {
  return {
    eventId: randomUUID(),
    type: 'MoneyDeposited',
    schemaVersion: 1,
    data: { amount: 1 },
    metadata: { correlationId: randomUUID(), causationId: null },
    occurredAt: new Date(),
  };
}
