import { decodeEnvelope, EVENT_HEADERS, toKafkaMessage, type EventEnvelope } from '@ledger/messaging';
import { accountSnapshots, AccountHistory, eventually, expectedAccount, historyVersions } from '@ledger/testing';
import type { KafkaMessage, Message } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '../dead-letters/dead-letter.message';
import { metricValue, startProjector, type InProcessProjector } from '../testing/projector-harness';
import { projectorTestEnv, single, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

/** Every message goes to this partition, so the poison shares it with the healthy accounts. */
const PARTITION = 0;

/** An account whose version 2 is poison of one kind; versions 3 and 4 then arrive and must be held. */
interface PoisonCase {
  readonly name: string;
  readonly history: AccountHistory;
  readonly poison: (history: AccountHistory) => Message;
  readonly error: RegExp;
}

const withEnvelope = (history: AccountHistory, change: Partial<EventEnvelope>): Message =>
  toKafkaMessage({ ...single(history.envelopes.slice(1, 2)), ...change });

const POISON: readonly PoisonCase[] = [
  {
    name: 'an undecodable value',
    history: new AccountHistory({ deposits: 3 }),
    poison: (h) => ({ key: h.accountId, value: Buffer.from([0x7b, 0xff, 0xfe, 0x00]) }),
    error: /^undecodable message/,
  },
  {
    name: 'an unknown event type',
    history: new AccountHistory({ deposits: 3 }),
    poison: (h) => withEnvelope(h, { type: 'MoneyTeleported' }),
    error: /MoneyTeleported/,
  },
  {
    name: 'a schema version newer than the code',
    history: new AccountHistory({ deposits: 3 }),
    poison: (h) => withEnvelope(h, { schemaVersion: 99 }),
    error: /99/,
  },
  {
    name: 'headers that disagree with the value',
    history: new AccountHistory({ deposits: 3 }),
    poison: (h) => {
      const message = single(h.messages([2]));
      return { ...message, headers: { ...message.headers, [EVENT_HEADERS.eventId]: '00000000-0000-4000-8000-000000000000' } };
    },
    error: /headers disagree/,
  },
];

describe('projector with poison and gaps on a shared partition (real Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  let topic: string;
  let projector: InProcessProjector;
  const groupId = () => `poison-${topic}`;

  const healthy = [new AccountHistory({ deposits: 5 }), new AccountHistory({ deposits: 5 })];
  const gapped = new AccountHistory({ deposits: 4 });
  /** Its first event comes once under a key that is not a UUID (dead-lettered, nothing parked), then properly. */
  const badKey = new AccountHistory({ deposits: 1 });
  const garbage: Message = { key: null, value: Buffer.from('not an envelope') };

  const messages = (): Message[] => {
    const [h1, h2] = healthy as [AccountHistory, AccountHistory];
    return [
      ...h1.messages([1]),
      ...h2.messages([1]),
      ...POISON.flatMap((c) => c.history.messages([1])),
      ...gapped.messages([1, 2]),
      ...h1.messages([2, 3]),
      ...POISON.map((c) => c.poison(c.history)),
      { ...single(badKey.messages([1])), key: 'not-a-uuid' },
      garbage,
      ...h2.messages([2, 3]),
      ...POISON.flatMap((c) => c.history.messages([3])),
      ...gapped.messages([4]),
      ...badKey.messages([1, 2]),
      ...h1.messages([4, 5, 6]),
      ...POISON.flatMap((c) => c.history.messages([4])),
      ...gapped.messages([5]),
      ...h2.messages([4, 5, 6]),
    ];
  };

  beforeAll(async () => {
    env = await projectorTestEnv();
    topic = await env.createTopic('projector-poison', 2);
    await env.produce(topic, messages(), PARTITION);
    projector = await startProjector({
      databaseUrl: env.db.url,
      brokers: env.brokers,
      topic,
      groupId: groupId(),
      env: { PROJECTOR_BATCH_SIZE: '500' },
    });
    await waitForGroupAtEnd(env, groupId(), topic, 60_000);
  }, 90_000);

  afterAll(async () => {
    await projector?.close();
    await env.dispose();
  }, 60_000);

  it('keeps the other accounts of the partition flowing, and moves the committed offset past the poison', async () => {
    const accounts = await accountSnapshots(env.pool);
    for (const history of healthy) {
      expect(accounts.get(history.accountId)).toEqual(expectedAccount(history));
      expect(await historyVersions(env.pool, history.accountId)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const [ends, committed] = await Promise.all([env.endOffsets(topic), env.committedOffsets(groupId(), topic)]);
    expect(committed.get(PARTITION)).toBe(ends.get(PARTITION));
    expect(Number(ends.get(PARTITION))).toBe(messages().length);
  });

  it.each(POISON.map((c) => [c.name, c] as const))(
    'given %s, then only its account is parked and its later events are held in order',
    async (_name, c) => {
      const { accountId } = c.history;
      expect((await accountSnapshots(env.pool)).get(accountId)).toEqual(expectedAccount(c.history, 1));
      const dead = await env.pool.query(
        `SELECT version::int AS version, error, attempts FROM read_model.dead_letters WHERE account_id = $1`,
        [accountId],
      );
      expect(dead.rows).toHaveLength(1);
      expect(dead.rows[0].error).toMatch(c.error);
      const parked = await env.pool.query(`SELECT reason FROM read_model.parked_accounts WHERE account_id = $1`, [accountId]);
      expect(parked.rows).toEqual([{ reason: dead.rows[0].error }]);
      expect(await heldVersions(accountId)).toEqual([3, 4]);
    },
  );

  it('given a version gap, then the account is parked at the gap and nothing after it is applied', async () => {
    expect((await accountSnapshots(env.pool)).get(gapped.accountId)).toEqual(expectedAccount(gapped, 2));
    expect(await historyVersions(env.pool, gapped.accountId)).toEqual([1, 2]);
    const dead = await env.pool.query(`SELECT version::int AS version, error FROM read_model.dead_letters WHERE account_id = $1`, [
      gapped.accountId,
    ]);
    expect(dead.rows).toEqual([{ version: 4, error: 'version gap: expected version 3, got 4' }]);
    expect(await heldVersions(gapped.accountId)).toEqual([5]);
  });

  it('given a key that is not a UUID, or no key and garbage, then the message is dead-lettered and nothing is parked for it', async () => {
    const dead = await env.pool.query(
      `SELECT message_key, message_value, error FROM read_model.dead_letters WHERE account_id IS NULL ORDER BY "offset"`,
    );
    expect(dead.rows).toHaveLength(2);
    expect(dead.rows[0].message_key.toString()).toBe('not-a-uuid');
    expect(dead.rows[0].error).toMatch(/key/);
    expect(dead.rows[1]).toMatchObject({ message_key: null, message_value: Buffer.from('not an envelope') });
    expect((await accountSnapshots(env.pool)).get(badKey.accountId)).toEqual(expectedAccount(badKey));
    const parked = await env.pool.query<{ account_id: string }>(`SELECT account_id::text AS account_id FROM read_model.parked_accounts`);
    expect(parked.rows.map((r) => r.account_id).sort()).toEqual([...POISON.map((c) => c.history.accountId), gapped.accountId].sort());
  });

  it('copies every dead letter to the dead-letter topic with its error and source, and marks it published', async () => {
    const deadLetters = await env.pool.query<{ id: string; error: string; offset: string; published: boolean }>(
      `SELECT id::text AS id, error, "offset"::text AS "offset", published_at IS NOT NULL AS published FROM read_model.dead_letters ORDER BY id`,
    );
    expect(deadLetters.rows).toHaveLength(POISON.length + 3);
    await eventually(
      async () => (await env.endOffsets(`${topic}.dlq`)).get(0) === String(deadLetters.rows.length),
      15_000,
      'the dead-letter copies',
    );

    const copies = await readTopic(`${topic}.dlq`, deadLetters.rows.length);
    const byId = new Map(copies.map((m) => [m.headers?.[DEAD_LETTER_HEADERS.id]?.toString(), m]));
    for (const row of deadLetters.rows) {
      const copy = byId.get(row.id);
      expect(copy?.headers?.[DEAD_LETTER_HEADERS.error]?.toString()).toBe(row.error);
      expect(copy?.headers?.[DEAD_LETTER_HEADERS.sourceTopic]?.toString()).toBe(topic);
      expect(copy?.headers?.[DEAD_LETTER_HEADERS.sourcePartition]?.toString()).toBe(String(PARTITION));
      expect(copy?.headers?.[DEAD_LETTER_HEADERS.sourceOffset]?.toString()).toBe(row.offset);
    }
    const undecodable = single(POISON.slice(0, 1)).history.accountId;
    const undecodableCopy = copies.find((m) => m.headers?.[DEAD_LETTER_HEADERS.accountId]?.toString() === undecodable);
    expect(undecodableCopy?.key?.toString()).toBe(undecodable);
    expect(undecodableCopy?.value).toEqual(Buffer.from([0x7b, 0xff, 0xfe, 0x00]));
    await eventually(
      async () => (await env.pool.query(`SELECT 1 FROM read_model.dead_letters WHERE published_at IS NULL`)).rowCount === 0,
      10_000,
      'every dead letter marked published',
    );
  }, 30_000);

  it('shows the dead letters, held events and parked accounts on /metrics', async () => {
    const parkedAccounts = POISON.length + 1;
    const held = POISON.length * 2 + 1;
    await eventually(
      async () => metricValue(await projector.metrics(), 'ledger_projector_parked_accounts') === parkedAccounts,
      10_000,
      'the gauges',
    );
    const text = await projector.metrics();
    expect(metricValue(text, 'ledger_projector_held_events')).toBe(held);
    expect(metricValue(text, 'ledger_projector_events_held_total')).toBe(held);
    expect(metricValue(text, 'ledger_projector_dead_letters_total')).toBe(POISON.length + 3);
    expect(metricValue(text, 'ledger_projector_dead_letters_published_total')).toBe(POISON.length + 3);
    expect(metricValue(text, 'ledger_projector_consumer_lag_messages', { partition: String(PARTITION) })).toBe(0);
  });

  async function heldVersions(accountId: string): Promise<number[]> {
    const { rows } = await env.pool.query<{ message_value: Buffer; offset: string }>(
      `SELECT message_value, "offset"::text AS "offset" FROM read_model.parked_events WHERE account_id = $1 ORDER BY id`,
      [accountId],
    );
    const offsets = rows.map((r) => Number(r.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    return rows.map((r) => decodeEnvelope(r.message_value).version);
  }

  async function readTopic(name: string, count: number): Promise<KafkaMessage[]> {
    const consumer = env.kafka.consumer({ groupId: `reader-${name}` });
    const seen: KafkaMessage[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [name], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await eventually(async () => seen.length >= count, 20_000, `${count} messages on ${name}`);
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }
});
