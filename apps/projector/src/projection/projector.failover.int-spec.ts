import { accountSnapshots, AccountHistory, eventually, expectedAccount, interleaved, type AppProcess } from '@ledger/testing';
import { spawnProjector } from '../testing/projector-harness';
import { projectorTestEnv, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';
import { sleep } from '@ledger/platform';

const PARTITIONS = 6;
const ACCOUNTS = 120;
const VERSIONS = 40;
const BOOT_MS = 60_000;

/** The partitions of the latest `joined group` line a replica logged, or null before it joined. */
function latestAssignment(process: AppProcess): number[] | null {
  for (let i = process.output.length - 1; i >= 0; i--) {
    const list = /joined group \S+ with partitions \[([\d,]*)\]/.exec(process.output[i] ?? '')?.[1];
    if (list !== undefined) return list === '' ? [] : list.split(',').map(Number);
  }
  return null;
}

describe('two projector replicas, one killed with SIGKILL mid-stream (real processes, Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    env = await projectorTestEnv();
  }, 60_000);

  afterAll(async () => {
    for (const child of processes.splice(0)) {
      child.kill('SIGKILL');
      await child.exited;
    }
    await env.dispose();
  }, 60_000);

  it('given a replica killed while applying, then the survivor takes its partitions and every account equals its fold, nothing applied twice', async () => {
    const topic = await env.createTopic('projector-failover', PARTITIONS);
    const groupId = `failover-${topic}`;
    // Each replica's connections carry its name in pg_stat_activity (the URL's parameters win over the pool's).
    const spawn = (name: string) => {
      const child = spawnProjector({
        databaseUrl: `${env.db.url}?application_name=${name}`,
        brokers: env.brokers,
        topic,
        groupId,
        env: { PROJECTOR_BATCH_SIZE: '25', PROJECTOR_PARTITIONS_CONCURRENTLY: String(PARTITIONS) },
      });
      processes.push(child);
      return child;
    };
    const [victim, survivor] = [spawn('projector-victim'), spawn('projector-survivor')];
    const shared = () => [victim, survivor].every((p) => (latestAssignment(p)?.length ?? 0) > 0);
    await eventually(
      async () => shared(),
      BOOT_MS,
      'both replicas to own partitions',
      async () => [victim, survivor].map(latestAssignment),
    );

    // A stream over several seconds, version by version across all accounts, so the kill lands mid-stream.
    const histories = Array.from({ length: ACCOUNTS }, () => new AccountHistory({ deposits: VERSIONS - 1 }));
    const messages = interleaved(histories);
    // Every account's last version is produced only after the kill: the kill lands mid-stream whatever the speeds.
    const beforeKill = messages.length - ACCOUNTS;
    const producing = (async () => {
      for (let start = 0; start < beforeKill; start += ACCOUNTS) {
        await env.produce(topic, messages.slice(start, start + ACCOUNTS));
        // Pacing, not a wait: spreads the stream out so the victim is still writing batches when it is killed.
        await sleep(50);
      }
    })();
    const applied = async () => Number((await env.pool.query(`SELECT count(*) AS n FROM read_model.account_transactions`)).rows[0].n);
    await eventually(async () => (await applied()) >= messages.length / 4, 60_000, 'a quarter of the stream projected');
    // A transaction with an xid is a batch writing (the gauges' reads take none): kill it right there.
    await eventually(
      async () =>
        (await env.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'projector-victim' AND backend_xid IS NOT NULL`))
          .rows.length > 0,
      30_000,
      'the victim to be inside a batch transaction',
      undefined,
      5,
    );
    victim.kill('SIGKILL');
    const victimPartitions = latestAssignment(victim) ?? [];
    await victim.exited;
    const appliedAtKill = await applied();
    await producing;
    await env.produce(topic, messages.slice(beforeKill));

    await waitForGroupAtEnd(env, groupId, topic, 90_000);
    expect(appliedAtKill).toBeLessThan(messages.length);
    expect(latestAssignment(survivor)).toEqual(Array.from({ length: PARTITIONS }, (_, p) => p));
    expect(victimPartitions.length).toBeGreaterThan(0);

    const accounts = await accountSnapshots(env.pool);
    expect(accounts.size).toBe(ACCOUNTS);
    const wrong = histories.filter((h) => JSON.stringify(accounts.get(h.accountId)) !== JSON.stringify(expectedAccount(h)));
    expect(wrong.map((h) => ({ expected: expectedAccount(h), actual: accounts.get(h.accountId) }))).toEqual([]);
    const rows = await env.pool.query<{ n: string; accounts: string; events: string; max_per_version: string }>(
      `SELECT count(*) AS n, count(DISTINCT account_id) AS accounts, count(DISTINCT event_id) AS events,
              (SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM read_model.account_transactions GROUP BY account_id, version) v) AS max_per_version
         FROM read_model.account_transactions`,
    );
    expect(rows.rows[0]).toEqual({
      n: String(messages.length),
      accounts: String(ACCOUNTS),
      events: String(messages.length),
      max_per_version: '1',
    });
    const processed = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.processed_events`);
    expect(processed.rows[0].n).toBe(messages.length);
    const failures = await env.pool.query(
      `SELECT (SELECT count(*) FROM read_model.dead_letters)::int AS dead, (SELECT count(*) FROM read_model.parked_accounts)::int AS parked`,
    );
    expect(failures.rows[0]).toEqual({ dead: 0, parked: 0 });
  }, 180_000);
});
