import { uniqueTopicName } from '@ledger/testing';
import { accountIds, committedEvents, runWriters } from '../testing/event-writers';
import { checkDelivery } from '../testing/relay-delivery.checker';
import { startRelay, type InProcessRelay } from '../testing/relay-harness';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';
import { readTopic, type TopicReader } from '../testing/topic-reader';

// 20,000 events over 500 accounts: about 25 s on two cores. LEDGER_LONG_TESTS=1 runs five times as many.
const LONG = process.env['LEDGER_LONG_TESTS'] === '1';
const LOAD = LONG ? { events: 100_000, accounts: 2_500 } : { events: 20_000, accounts: 500 };

describe('relay under concurrent writers', () => {
  const topic = uniqueTopicName('relay-stress');
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
  });

  it(
    `given 16 writers appending ${LOAD.events} events over ${LOAD.accounts} accounts with rollbacks and long transactions, ` +
      'when the relay runs alongside, then every committed event reaches Kafka once or more, in per-account order, and nothing else',
    async () => {
      relay = startRelay({ databaseUrl: env.db.url, brokers: env.brokers, topic });

      const written = await runWriters(env.pool, {
        writers: 16,
        accounts: accountIds(LOAD.accounts),
        events: LOAD.events,
        rollbackRate: 0.05,
        holdRate: 0.01,
        holdMs: 1_500,
      });
      const expected = await committedEvents(env.pool);
      reader = await readTopic(env.kafka, topic);
      await reader.waitFor(expected, LONG ? 300_000 : 60_000);

      expect(expected).toHaveLength(LOAD.events);
      expect(written.rolledBackEventIds.length).toBeGreaterThan(0);
      expect(written.rolledBackEventIds.filter((id) => reader?.eventIds.has(id))).toEqual([]);
      const report = checkDelivery(expected, reader.messages);
      expect(report.problems).toEqual([]);
      expect(report.accounts).toBe(new Set(expected.map((e) => e.streamId)).size);
      const lag = await relay.relay.sampleLag();
      expect(lag.pendingEvents).toBe(0);
      process.stdout.write(
        `relay stress: ${expected.length} committed events over ${report.accounts} accounts in ${written.appends} appends ` +
          `(${written.conflicts} version conflicts retried, ${written.rolledBackEventIds.length} events rolled back); ` +
          `${reader.messages.length} messages read, ${report.duplicates} duplicates, 0 out of order\n`,
      );
    },
    LONG ? 900_000 : 180_000,
  );
});
