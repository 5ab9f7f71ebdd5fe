import { accountSnapshots, AccountHistory, expectedAccount, historyVersions, interleaved } from '@ledger/testing';
import { metricValue, startProjector, type InProcessProjector } from '../testing/projector-harness';
import { projectorTestEnv, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

const PARTITIONS = 4;
/** Small chunks, so each partition's backlog takes several, and one transaction at a time, so chunks wait and go together. */
const SETTINGS = { PROJECTOR_BATCH_SIZE: '4', PROJECTOR_TRANSACTIONS_CONCURRENTLY: '1', PROJECTOR_MAX_ATTEMPTS: '3' };

describe("projector applying several partitions' chunks in one transaction (real Kafka and Postgres)", () => {
  let env: ProjectorTestEnv;
  let topic: string;
  let projector: InProcessProjector | undefined;
  const groupId = () => `grouped-${topic}`;

  /** Two accounts per partition, each partition's messages interleaved, everything in the topic before the projector starts. */
  const histories = (options: { deposits: number }) =>
    Array.from({ length: PARTITIONS }, () => [new AccountHistory(options), new AccountHistory(options)] as const);

  const produceBacklog = async (perPartition: readonly (readonly AccountHistory[])[], messages = interleaved) => {
    for (const [partition, accounts] of perPartition.entries()) await env.produce(topic, messages(accounts), partition);
  };

  const start = async () => {
    projector = await startProjector({ databaseUrl: env.db.url, brokers: env.brokers, topic, groupId: groupId(), env: SETTINGS });
    return projector;
  };

  const expectProjected = async (accounts: readonly AccountHistory[]) => {
    const snapshots = await accountSnapshots(env.pool);
    for (const history of accounts) {
      expect(snapshots.get(history.accountId)).toEqual(expectedAccount(history));
      expect(await historyVersions(env.pool, history.accountId)).toEqual(history.envelopes.map((e) => e.version));
    }
  };

  beforeAll(async () => {
    env = await projectorTestEnv();
    topic = await env.createTopic('projector-grouped', PARTITIONS);
  }, 60_000);

  afterAll(async () => {
    await projector?.close();
    await env.dispose();
  }, 60_000);

  it('given a backlog on every partition, then chunks of different partitions share transactions, each partition in order', async () => {
    const backlog = histories({ deposits: 7 });
    await produceBacklog(backlog);
    const running = await start();
    await waitForGroupAtEnd(env, groupId(), topic, 60_000);

    await expectProjected(backlog.flat());
    const metrics = await running.metrics();
    const transactions = metricValue(metrics, 'ledger_projector_transaction_chunks_count') ?? 0;
    const chunks = metricValue(metrics, 'ledger_projector_transaction_chunks_sum') ?? 0;
    const events = metricValue(metrics, 'ledger_projector_transaction_size_messages_sum') ?? 0;
    // Every partition's messages in chunks of 4, each partition's chunks one after the other.
    const messages = backlog.flat().reduce((n, history) => n + history.envelopes.length, 0);
    expect(events).toBeGreaterThanOrEqual(messages);
    expect(chunks).toBeGreaterThanOrEqual(messages / 4);
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(chunks);
    expect(metricValue(metrics, 'ledger_projector_transaction_size_messages_count')).toBe(transactions);
    expect(metricValue(metrics, 'ledger_projector_batch_size_messages_count')).toBe(chunks);
    expect((await env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`)).rows[0].n).toBe(0);
  }, 90_000);

  it("given rows the database refuses in one partition's chunk, then that shared transaction's other chunks still commit and only that account is parked", async () => {
    await projector?.close();
    projector = undefined;
    // Valid for the domain, refused by Postgres: text cannot hold a NUL character (SQLSTATE 22021).
    const refused = new AccountHistory({ owner: 'Ada\u0000Lovelace', deposits: 2 });
    const backlog = histories({ deposits: 3 });
    // The refused account leads partition 1, so the first transaction, which takes every partition's first chunk, fails.
    await produceBacklog(backlog, (accounts) =>
      accounts === backlog[1] ? [...refused.messages(), ...interleaved(accounts)] : interleaved(accounts),
    );
    const running = await start();
    await waitForGroupAtEnd(env, groupId(), topic, 60_000);

    await expectProjected(backlog.flat());
    expect((await accountSnapshots(env.pool)).has(refused.accountId)).toBe(false);
    const dead = await env.pool.query(`SELECT account_id::text AS account_id, version::int AS version FROM read_model.dead_letters`);
    expect(dead.rows).toEqual([{ account_id: refused.accountId, version: 1 }]);
    const parked = await env.pool.query(`SELECT account_id::text AS account_id FROM read_model.parked_accounts`);
    expect(parked.rows).toEqual([{ account_id: refused.accountId }]);
    const held = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.parked_events WHERE account_id = $1`, [refused.accountId]);
    expect(held.rows[0].n).toBe(2);
    expect(metricValue(await running.metrics(), 'ledger_projector_batch_failures_total', { kind: 'data' })).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
