import { PostgresEventStore } from '@ledger/event-store';
import { eventually } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { newEvent } from '../testing/event-writers';
import { relaySuite } from '../testing/relay-test-env';
import { readTopic } from '../testing/topic-reader';

/** The longest the relay allows, four times the test's wait: an append delivered in time was released by its recheck, not its poll. */
const POLL_INTERVAL_MS = 60_000;

describe('relay behind an older open transaction', () => {
  const suite = relaySuite('relay-horizon');

  it('given an append committed while an older write transaction runs, when that transaction ends unannounced, then the relay sends the append long before its poll interval', async () => {
    const env = suite.env();
    const relay = suite.startRelay(3, { RELAY_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) });
    const store = new PostgresEventStore(env.pool);
    const heldBackReads = async () => (await relay.metrics.heldBackReads.get()).values[0]?.value ?? 0;
    const first = newEvent(1);
    await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [first] });
    // The relay creates the topic with its first batch.
    await eventually(
      async () => ((await relay.metrics.eventsRelayed.get()).values[0]?.value ?? 0) >= 1,
      30_000,
      'the first append relayed',
    );
    const reader = await readTopic(env.kafka, suite.topic);
    suite.stopAfterwards(reader);
    await reader.waitFor([first], 30_000);

    const older = await env.pool.connect();
    const behind = newEvent(1);
    try {
      await older.query('BEGIN');
      // An xid and nothing else: its end notifies nobody.
      await older.query('SELECT pg_current_xact_id()');
      const heldBackBefore = await heldBackReads();
      await store.append({ streamId: randomUUID(), expectedVersion: 0, events: [behind] });
      // The append's notification wakes the relay, which finds it hidden behind the open transaction.
      await eventually(async () => (await heldBackReads()) > heldBackBefore, 15_000, 'the relay finding the append held back');
      expect(reader.eventIds.has(behind.eventId)).toBe(false);
      await older.query('COMMIT');
    } finally {
      older.release();
    }

    await reader.waitFor([behind], 15_000);
  }, 120_000);
});
