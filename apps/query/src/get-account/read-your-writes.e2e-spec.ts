import { AccountHistory } from '@ledger/testing';
import { eventually, queryAppSuite, type Reply } from '../testing/query-app.harness';

const WAITS = 'ledger_query_read_your_writes_waits_total';
const TIMEOUTS = 'ledger_query_read_your_writes_timeouts_total';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('read-your-writes: GET /accounts/{id}?minVersion=', () => {
  const query = queryAppSuite();

  /** Starts the request and resolves once the app counts it as waiting, so what follows happens during the wait. */
  async function waitingRequest(path: string): Promise<{ reply: Promise<Reply>; answered: () => boolean }> {
    const before = await query.metric(WAITS);
    let answered = false;
    const reply = query.get(path).finally(() => (answered = true));
    await eventually(async () => (await query.metric(WAITS)) > before, 10_000, 'the request to wait');
    return { reply, answered: () => answered };
  }

  it('given the version already reached, then it answers at once without waiting', async () => {
    const history = new AccountHistory({ deposits: 2 });
    await query.project(history.messages());
    const waits = await query.metric(WAITS);

    const reply = await query.get(`/accounts/${history.accountId}?minVersion=2&waitMs=10000`);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ version: 3, balance: 120 });
    expect(await query.metric(WAITS)).toBe(waits);
  });

  it('given the version reached during the wait, then 200 with that version once it is projected, not before', async () => {
    const history = new AccountHistory({ deposits: 3 });
    await query.project(history.messages([1, 2]));
    const timeouts = await query.metric(TIMEOUTS);

    const four = await waitingRequest(`/accounts/${history.accountId}?minVersion=4&waitMs=10000`);
    const three = await waitingRequest(`/accounts/${history.accountId}?minVersion=3&waitMs=10000`);
    await query.project(history.messages([3]));
    // The change that answers the wait for 3 reached the wait for 4 as well, which must go on waiting.
    expect((await three.reply).body).toMatchObject({ version: 3 });
    expect(four.answered()).toBe(false);
    await query.project(history.messages([4]));

    const answered = await four.reply;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ accountId: history.accountId, version: 4, balance: 130 });
    expect(answered.headers['etag']).toBe('"4"');
    expect(await query.metric(TIMEOUTS)).toBe(timeouts);
  });

  it('given an account the read model has not seen yet, then it waits for it to appear', async () => {
    const history = new AccountHistory({ deposits: 1 });
    const { reply } = await waitingRequest(`/accounts/${history.accountId}?minVersion=1&waitMs=10000`);
    await query.project(history.messages());
    const answered = await reply;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ version: 2, balance: 110 });
  });

  it('given a version beyond reach, then 504 problem with the reached version after about waitMs', async () => {
    const history = new AccountHistory({ deposits: 1 });
    await query.project(history.messages());
    const timeouts = await query.metric(TIMEOUTS);
    const started = Date.now();

    const reply = await query.get(`/accounts/${history.accountId}?minVersion=5&waitMs=1000`);

    const elapsed = Date.now() - started;
    expect(reply.status).toBe(504);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({
      type: 'https://ledger.example.com/problems/read-your-writes-timeout',
      status: 504,
      minVersion: 5,
      reachedVersion: 2,
    });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(await query.metric(TIMEOUTS)).toBe(timeouts + 1);
  });

  it('given an account never seen and minVersion, then 504 with reachedVersion 0, waitMs=0 included', async () => {
    const unseen = new AccountHistory();
    const waited = await query.get(`/accounts/${unseen.accountId}?minVersion=1&waitMs=300`);
    expect(waited.status).toBe(504);
    expect(waited.body).toMatchObject({ reachedVersion: 0, minVersion: 1 });

    const immediate = await query.get(`/accounts/${unseen.accountId}?minVersion=1&waitMs=0`);
    expect(immediate.status).toBe(504);
    expect(immediate.body).toMatchObject({ reachedVersion: 0, minVersion: 1 });
  });

  it('wakes many waiters from one batch over a single LISTEN session', async () => {
    const histories = Array.from({ length: 40 }, () => new AccountHistory({ deposits: 1 }));
    await query.project(histories.flatMap((h) => h.messages([1])));
    const before = await query.metric(WAITS);
    const replies = histories.map((h) => query.get(`/accounts/${h.accountId}?minVersion=2&waitMs=10000`));
    await eventually(async () => (await query.metric(WAITS)) >= before + histories.length, 10_000, 'all requests to wait');

    const sessions = await query.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'query-listen'`,
    );
    expect(sessions.rows[0].n).toBe(1);

    await query.project(histories.flatMap((h) => h.messages([2])));
    const answered = await Promise.all(replies);
    expect(answered.map((r) => r.status)).toEqual(histories.map(() => 200));
    expect(answered.map((r) => r.body.version)).toEqual(histories.map(() => 2));
  });

  it('given the LISTEN session killed and a change committed meanwhile, then the reconnect wakes the waiter', async () => {
    const history = new AccountHistory({ deposits: 1 });
    await query.project(history.messages([1]));
    const pid = async () =>
      (
        await query.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'query-listen'`,
        )
      ).rows[0]?.pid;
    const first = await pid();
    expect(first).toEqual(expect.any(Number));

    const { reply } = await waitingRequest(`/accounts/${history.accountId}?minVersion=2&waitMs=10000`);
    await query.pool.query('SELECT pg_terminate_backend($1)', [first]);
    await query.project(history.messages([2]));

    const answered = await reply;
    expect(answered.status).toBe(200);
    expect(answered.body.version).toBe(2);
    await eventually(
      async () => {
        const now = await pid();
        return now !== undefined && now !== first;
      },
      15_000,
      'a new LISTEN session',
    );
  });

  // Reports how fast the NOTIFY path is; the assertions are that every wait was answered by its change, none timed out.
  it('measures the wait from the commit to the answer at a steady rate', async () => {
    const rounds = 100;
    const timeouts = await query.metric(TIMEOUTS);
    const latencies: number[] = [];
    const histories = Array.from({ length: rounds }, () => new AccountHistory({ deposits: 1 }));
    await query.project(histories.flatMap((h) => h.messages([1])));
    for (const history of histories) {
      const { reply } = await waitingRequest(`/accounts/${history.accountId}?minVersion=2&waitMs=10000`);
      await query.project(history.messages([2]));
      const committed = performance.now();
      expect((await reply).status).toBe(200);
      latencies.push(performance.now() - committed);
    }
    latencies.sort((a, b) => a - b);
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
    process.stdout.write(
      `read-your-writes, commit to answer over HTTP (${rounds} waits): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms\n`,
    );
    expect(latencies).toHaveLength(rounds);
    expect(await query.metric(TIMEOUTS)).toBe(timeouts);
  }, 120_000);
});
