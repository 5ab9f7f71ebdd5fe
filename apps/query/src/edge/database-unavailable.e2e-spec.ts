import { DEFAULT_RETRY_AFTER_SECONDS } from '@ledger/platform';
import { eventually, TcpProxy, testServerUrl } from '@ledger/testing';
import type { PoolClient } from 'pg';
import { AccountStory } from '../testing/account-story.fixture';
import { startQueryApp, type QueryApp, type Reply } from '../testing/query-app.harness';

function expectUnavailable(reply: Reply): void {
  expect(reply.status).toBe(503);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(reply.headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
  expect(reply.body).toMatchObject({ type: 'https://ledger.example.com/problems/unavailable', title: 'Service unavailable', status: 503 });
}

async function expectNotReady(query: QueryApp): Promise<void> {
  const ready = await query.get('/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ details: { postgres: { status: 'down' } } });
}

async function expectServing(query: QueryApp, accountId: string): Promise<void> {
  await eventually(async () => (await query.get(`/accounts/${accountId}`)).status === 200, 15_000, 'reads answered again');
  await eventually(async () => (await query.get('/health/ready')).status === 200, 15_000, 'ready again');
}

/** Blocks every read of the accounts table until `release`, as a long migration or a stuck lock would. */
async function lockAccounts(query: QueryApp): Promise<{ release(): Promise<void> }> {
  const client: PoolClient = await query.pool.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE read_model.accounts IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

/** The backend pids of the app's reads now waiting for a lock. */
async function readsWaitingForLock(query: QueryApp): Promise<number[]> {
  const { rows } = await query.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'query' AND wait_event_type = 'Lock'`,
  );
  return rows.map((row) => row.pid);
}

describe('the query service when its database cannot serve', () => {
  describe('given one pooled connection, held by a read that waits on a lock', () => {
    let query: QueryApp;
    const story = new AccountStory();

    beforeAll(async () => {
      query = await startQueryApp({
        DATABASE_POOL_SIZE: '1',
        QUERY_DATABASE_CONNECTION_TIMEOUT_MS: '300',
        QUERY_STATEMENT_TIMEOUT_MS: '20000',
      });
      await query.project(story.messages());
    }, 60_000);

    afterAll(async () => {
      await query.close();
    });

    it('answers 503 with Retry-After instead of queueing, reports not ready, and serves again once the connection is free', async () => {
      expect((await query.get(`/accounts/${story.accountId}`)).status).toBe(200);
      const lock = await lockAccounts(query);
      let held: Promise<Reply> | undefined;
      try {
        held = query.get(`/accounts/${story.accountId}`);
        await eventually(async () => (await readsWaitingForLock(query)).length === 1, 15_000, 'the read waiting on the lock');

        let heldAnswered = false;
        const answered = () => (heldAnswered = true);
        held.then(answered, answered);
        expectUnavailable(await query.get(`/accounts/${story.accountId}`));
        // Answered while the read holding the connection still waits on the lock: it did not queue behind it.
        expect(heldAnswered).toBe(false);
        expectUnavailable(await query.get(`/accounts/${story.accountId}/transactions`));
        await expectNotReady(query);

        // The server ends the held read's session (57P01, as on a restart or failover): 503 too.
        const [pid] = await readsWaitingForLock(query);
        await query.pool.query('SELECT pg_terminate_backend($1)', [pid]);
        expectUnavailable(await held);
      } finally {
        await lock.release();
        await held?.catch(() => undefined);
      }
      await expectServing(query, story.accountId);
    });
  });

  describe('given its database behind a proxy the test can cut', () => {
    const STATEMENT_TIMEOUT_MS = 1_000;
    let proxy: TcpProxy;
    let query: QueryApp;
    const story = new AccountStory();

    beforeAll(async () => {
      proxy = await TcpProxy.inFrontOf(testServerUrl());
      query = await startQueryApp(
        { DATABASE_POOL_SIZE: '2', QUERY_DATABASE_CONNECTION_TIMEOUT_MS: '1000', QUERY_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
        { reachDatabase: (url) => proxy.rewrite(url) },
      );
      await query.project(story.messages());
    }, 60_000);

    afterAll(async () => {
      await query.close();
      await proxy.stop();
    }, 60_000);

    it('answers a read that passes the statement timeout with 503', async () => {
      expect((await query.get(`/accounts/${story.accountId}`)).status).toBe(200);
      const lock = await lockAccounts(query);
      try {
        const started = Date.now();
        expectUnavailable(await query.get(`/accounts/${story.accountId}`));
        expect(Date.now() - started).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
      } finally {
        await lock.release();
      }
      await expectServing(query, story.accountId);
    });

    it('answers 503 while connections are refused, reports not ready, and serves again once the database is back', async () => {
      expect((await query.get(`/accounts/${story.accountId}`)).status).toBe(200);
      await proxy.refuse();
      try {
        expectUnavailable(await query.get(`/accounts/${story.accountId}`));
        expectUnavailable(await query.get(`/accounts?owner=Ada`));
        expectUnavailable(await query.get(`/accounts/${story.accountId}/stream`));
        await expectNotReady(query);
      } finally {
        await proxy.restore();
      }
      await expectServing(query, story.accountId);
    });
  });
});
