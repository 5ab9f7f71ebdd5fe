import { accountSnapshots, AccountHistory, eventually, expectedAccount, interleaved } from '@ledger/testing';
import { Client } from 'pg';
import { metricValue, startProjector, type InProcessProjector } from '../testing/projector-harness';
import { projectorTestEnv, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

const PARTITION = 0;

describe('projector when the database refuses or goes away, and pruning (real Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  let topic: string;
  let projector: InProcessProjector;
  const groupId = () => `resilience-${topic}`;
  const databaseName = () => new URL(env.db.url).pathname.slice(1);

  beforeAll(async () => {
    env = await projectorTestEnv();
    topic = await env.createTopic('projector-resilience', 1);
    projector = await startProjector({
      databaseUrl: env.db.url,
      brokers: env.brokers,
      topic,
      groupId: groupId(),
      env: { PROJECTOR_MAX_ATTEMPTS: '3', PROJECTOR_PROCESSED_RETENTION_SECONDS: '2', PROJECTOR_PRUNE_INTERVAL_MS: '300' },
    });
  }, 60_000);

  afterAll(async () => {
    await projector?.close();
    await env.dispose();
  }, 60_000);

  it('given rows the database refuses in a batch, then only that account is dead-lettered and parked, the rest commits', async () => {
    // Valid for the domain, refused by Postgres: text cannot hold a NUL character (SQLSTATE 22021).
    const refused = new AccountHistory({ owner: 'Ada\u0000Lovelace', deposits: 2 });
    const others = [new AccountHistory({ deposits: 2 }), new AccountHistory({ deposits: 2 })] as const;
    await env.produce(topic, interleaved([others[0], refused, others[1]]), PARTITION);

    await waitForGroupAtEnd(env, groupId(), topic, 30_000);

    const accounts = await accountSnapshots(env.pool);
    for (const history of others) expect(accounts.get(history.accountId)).toEqual(expectedAccount(history));
    expect(accounts.has(refused.accountId)).toBe(false);
    const dead = await env.pool.query(
      `SELECT version::int AS version, error, attempts FROM read_model.dead_letters WHERE account_id = $1`,
      [refused.accountId],
    );
    expect(dead.rows).toHaveLength(1);
    expect(dead.rows[0]).toMatchObject({ version: 1 });
    expect(dead.rows[0].error).toMatch(/^database refused the account's rows: .*0x00/);
    // Retried once as a whole batch before the accounts were applied one by one.
    expect(dead.rows[0].attempts).toBeGreaterThanOrEqual(3);
    const held = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.parked_events WHERE account_id = $1`, [refused.accountId]);
    expect(held.rows[0].n).toBe(2);
    expect(metricValue(await projector.metrics(), 'ledger_projector_batch_failures_total', { kind: 'data' })).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('given the database unreachable, then the partition waits with its offset, and catches up when it is back, parking nothing', async () => {
    const admin = new Client({ connectionString: env.db.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    const [before, deadBefore] = await Promise.all([
      env.committedOffsets(groupId(), topic),
      env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`),
    ]);
    const histories = [new AccountHistory({ deposits: 3 }), new AccountHistory({ deposits: 3 })];
    try {
      await admin.query(`ALTER DATABASE ${databaseName()} WITH ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'projector'`, [
        databaseName(),
      ]);
      await env.produce(topic, interleaved(histories), PARTITION);
      await eventually(
        async () => (metricValue(await projector.metrics(), 'ledger_projector_batch_failures_total', { kind: 'outage' }) ?? 0) >= 3,
        20_000,
        'the projector to meet the outage',
      );
      expect(await env.committedOffsets(groupId(), topic)).toEqual(before);
    } finally {
      await admin.query(`ALTER DATABASE ${databaseName()} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }

    await waitForGroupAtEnd(env, groupId(), topic, 30_000);
    const accounts = await accountSnapshots(env.pool);
    for (const history of histories) expect(accounts.get(history.accountId)).toEqual(expectedAccount(history));
    const deadAfter = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`);
    expect(deadAfter.rows[0].n).toBe(deadBefore.rows[0].n);
  }, 90_000);

  it('given a lock the projector keeps timing out on, then the batch is retried past the attempts and nothing is parked', async () => {
    const admin = new Client({ connectionString: env.db.url });
    await admin.connect();
    const blocked = new AccountHistory({ deposits: 3 });
    const other = new AccountHistory({ deposits: 3 });
    const deadBefore = (await env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`)).rows[0].n;
    await env.produce(topic, blocked.messages().slice(0, 1), PARTITION);
    await waitForGroupAtEnd(env, groupId(), topic, 30_000);
    const transient = async () =>
      metricValue(await projector.metrics(), 'ledger_projector_batch_failures_total', { kind: 'transient' }) ?? 0;
    const transientBefore = await transient();
    try {
      // New sessions give up on a lock after 100 ms (SQLSTATE 55P03); the projector's sessions are renewed.
      await admin.query(`ALTER DATABASE ${databaseName()} SET lock_timeout = '100ms'`);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'projector' AND pid <> pg_backend_pid()`,
        [databaseName()],
      );
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM read_model.accounts WHERE account_id = $1 FOR UPDATE`, [blocked.accountId]);
      await env.produce(topic, interleaved([blocked, other]).slice(1), PARTITION);
      // PROJECTOR_MAX_ATTEMPTS is 3: well past it, a batch counted as the rows' fault would have been isolated by now.
      await eventually(async () => (await transient()) >= transientBefore + 6, 30_000, 'the projector to time out on the lock repeatedly');
      expect((await env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`)).rows[0].n).toBe(deadBefore);
    } finally {
      await admin.query('ROLLBACK');
      await admin.query(`ALTER DATABASE ${databaseName()} RESET lock_timeout`);
      await admin.end();
    }

    await waitForGroupAtEnd(env, groupId(), topic, 30_000);
    const accounts = await accountSnapshots(env.pool);
    expect(accounts.get(blocked.accountId)).toEqual(expectedAccount(blocked));
    expect(accounts.get(other.accountId)).toEqual(expectedAccount(other));
    const parked = await env.pool.query(`SELECT account_id FROM read_model.parked_accounts WHERE account_id = $1`, [blocked.accountId]);
    expect(parked.rows).toEqual([]);
  }, 90_000);

  it('given processed ids older than the retention, then they are pruned, and a redelivery after that still changes nothing', async () => {
    const history = new AccountHistory({ deposits: 2 });
    await env.produce(topic, history.messages(), PARTITION);
    await waitForGroupAtEnd(env, groupId(), topic, 30_000);
    const processed = async (ids: readonly string[]) =>
      (await env.pool.query(`SELECT count(*)::int AS n FROM read_model.processed_events WHERE event_id = ANY($1::uuid[])`, [ids])).rows[0]
        .n;
    const ids = history.envelopes.map((e) => e.eventId);

    // Retention 2 s, pruned every 300 ms.
    await eventually(async () => (await processed(ids)) === 0, 15_000, 'the processed ids to be pruned');
    expect(metricValue(await projector.metrics(), 'ledger_projector_processed_events_pruned_total')).toBeGreaterThanOrEqual(ids.length);

    const before = await accountSnapshots(env.pool);
    await env.produce(topic, history.messages(), PARTITION);
    await waitForGroupAtEnd(env, groupId(), topic, 30_000);
    expect(await accountSnapshots(env.pool)).toEqual(before);
    expect(before.get(history.accountId)).toEqual(expectedAccount(history));
    expect(await processed(ids)).toBe(0);
  }, 60_000);
});
