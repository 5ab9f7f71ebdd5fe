import { EVENT_STORE_APPENDED_CHANNEL, PostgresEventStore } from '@ledger/event-store';
import { eventually } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { newEvent } from '../testing/event-writers';
import { relaySuite } from '../testing/relay-test-env';
import { readTopic } from '../testing/topic-reader';

/** Far longer than the appends below take: everything they commit falls in one linger. */
const LINGER_MS = 8_000;
const FOLLOWERS = 5;

describe('relay with a linger', () => {
  const suite = relaySuite('relay-linger');

  it('given an event relayed at once after a quiet spell, when more commit one by one, each announced, then they go in one batch after the linger', async () => {
    const env = suite.env();
    const relay = suite.startRelay(3, { RELAY_LINGER_MS: String(LINGER_MS) });
    const counter = (metric: { get(): Promise<{ values: { value: number }[] }> }) => async () => (await metric.get()).values[0]?.value ?? 0;
    const relayed = counter(relay.metrics.eventsRelayed);
    const batches = counter(relay.metrics.batchesRelayed);
    const store = new PostgresEventStore(env.pool);
    const listener = new Client({ connectionString: env.db.url });
    await listener.connect();
    suite.stopAfterwards({ stop: () => listener.end() });
    let announced = 0;
    listener.on('notification', () => announced++);
    await listener.query(`LISTEN ${EVENT_STORE_APPENDED_CHANNEL}`);

    const first = newEvent(1);
    await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [first] });
    await eventually(async () => (await relayed()) === 1, 30_000, 'the first event relayed');
    expect(await batches()).toBe(1);

    // Each append is announced before the next: without a linger the relay would wake and send each.
    const followers = [];
    for (let i = 0; i < FOLLOWERS; i++) {
      const event = newEvent(1);
      const before = announced;
      await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [event] });
      await eventually(async () => announced > before, 10_000, `append ${i + 1} announced`);
      followers.push(event);
    }
    await eventually(async () => (await relayed()) === 1 + FOLLOWERS, 60_000, 'the followers relayed');

    expect(await batches()).toBe(2);
    const reader = await readTopic(env.kafka, suite.topic);
    suite.stopAfterwards(reader);
    await reader.waitFor([first, ...followers], 30_000);
  }, 120_000);
});
