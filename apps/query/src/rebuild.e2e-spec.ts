import { countStoredEvents, eventStoreMigrations, PostgresEventStore, readCommittedBatch, type CommittedEvent } from '@ledger/event-store';
import { loadConfig } from '@ledger/platform';
import { rebuildReadModels, type RebuildResult } from '@ledger/read-model-operations';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import {
  AccountTraffic,
  appendTraffic,
  databaseSuite,
  eventually,
  expectedReadModel,
  readAllCommitted,
  mintToken,
  seedTraffic,
  startHttpApp,
  StoreFollower,
  suiteResource,
  testIssuerUrl,
  type ExpectedAccountRow,
  type ExpectedTransactionRow,
  type TrafficAppend,
} from '@ledger/testing';
import { AppModule } from './app.module';
import { QueryConfig } from './query.config';
import { send } from './testing/query-app.harness';

const MONEY_EVENTS = new Set(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);

/** The account as GET /accounts/{id} must show it (small amounts: JSON integers; the traffic places no holds). */
function accountBody(row: ExpectedAccountRow) {
  return {
    accountId: row.account_id,
    owner: row.owner,
    currency: row.currency,
    balance: Number(row.balance),
    availableBalance: Number(row.balance),
    reserved: 0,
    status: row.status,
    version: row.version,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    summary: {
      totalDeposited: Number(row.total_deposited),
      totalWithdrawn: Number(row.total_withdrawn),
      transactionCount: row.transaction_count,
      lastActivityAt: row.last_activity_at,
    },
  };
}

function transactionItem(row: ExpectedTransactionRow) {
  const money = MONEY_EVENTS.has(row.type);
  return {
    eventId: row.event_id,
    version: row.version,
    type: row.type,
    amount: money && row.amount !== null ? Number(row.amount) : null,
    balanceAfter: money ? Number(row.balance_after) : null,
    reason: row.reason,
    occurredAt: row.occurred_at,
    transferId: null,
    counterpartyAccountId: null,
  };
}

/** GETs nonstop while the rebuild runs: every answer must be 200 and never behind what was projected. */
function startClients(url: string, headers: Record<string, string>, reached: ReadonlyMap<string, number>, count: number) {
  let stopped = false;
  let requests = 0;
  const failures: string[] = [];
  const client = async () => {
    while (!stopped) {
      const ids = [...reached.keys()];
      const id = ids[Math.floor(Math.random() * ids.length)];
      if (id === undefined) {
        failures.push('the clients started before any account was projected');
        return;
      }
      const floor = reached.get(id) ?? 0;
      try {
        const account = await send(url, `/accounts/${id}`, headers);
        const history = await send(url, `/accounts/${id}/transactions?limit=5`, headers);
        requests += 2;
        if (account.status !== 200) failures.push(`GET /accounts/${id}: ${account.status} ${account.text.slice(0, 200)}`);
        else if (account.body.version < floor) failures.push(`GET /accounts/${id}: version ${account.body.version}, projected ${floor}`);
        if (history.status !== 200) failures.push(`GET /accounts/${id}/transactions: ${history.status} ${history.text.slice(0, 200)}`);
        else if ((history.body.items[0]?.version ?? 0) < floor) failures.push(`GET /accounts/${id}/transactions: behind ${floor}`);
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`);
      }
    }
  };
  const done = Promise.all(Array.from({ length: count }, client));
  return {
    failures,
    get requests() {
      return requests;
    },
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('rebuild under the running query service', () => {
  const db = databaseSuite({
    migrations: [...eventStoreMigrations, ...readModelMigrations],
    migrationsTable: READ_MODEL_MIGRATIONS_TABLE,
    poolSize: 16,
  });
  const app = suiteResource(
    'the query app',
    () =>
      startHttpApp(
        AppModule.register(
          loadConfig(QueryConfig, { DATABASE_URL: db.url, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '8', OIDC_ISSUER: testIssuerUrl() }),
        ),
      ),
    (running) => running.close(),
  );
  // An operator reads every account (the traffic's owners are made up) and is not rate limited.
  const operator = suiteResource(
    'an operator token',
    async () => ({ authorization: `Bearer ${await mintToken({ sub: 'rebuild-operator', scope: 'ledger:read ledger:operate' })}` }),
    async () => undefined,
  );

  it('given live appends and projection, when the read models are rebuilt, then every GET answered 200 and the service serves the fold of the store', async () => {
    const store = new PostgresEventStore(db.pool, { notify: false });
    const append = async (next: TrafficAppend) => {
      const result = await store.append({ ...next, events: [...next.events] });
      if (result.kind !== 'appended') throw new Error(`append to ${next.streamId}: ${result.kind}`);
    };
    const traffic = new AccountTraffic();
    const owned = await seedTraffic(traffic, append, { accounts: 200, appends: 3_000 });

    const writer = new ProjectionWriter({ projection: 'accounts' });
    const source = await db.openSession();
    const projector = new StoreFollower<CommittedEvent>(
      (after, limit) => readCommittedBatch(source, after, limit),
      async (events) => {
        const client = await db.pool.connect();
        try {
          return await writer.apply(client, events.map(inputFromStore));
        } finally {
          client.release();
        }
      },
    );
    projector.start();
    await eventually(() => projector.applied >= 2_000, 60_000, 'the projector to apply 2,000 events');
    const writers = appendTraffic(traffic, owned, append, 2);
    const clients = startClients(app().url, operator(), projector.reached, 3);

    const rebuildSource = await db.openSession();
    const requestsBefore = clients.requests;
    let result: RebuildResult;
    try {
      result = await rebuildReadModels({
        pool: db.pool,
        readEvents: (after, limit) => readCommittedBatch(rebuildSource, after, limit),
        countEvents: () => countStoredEvents(db.pool),
        performedBy: 'query e2e',
        tuning: { loadChunk: 700, catchUpChunk: 250, smallTail: 60 },
      });
    } finally {
      // Writes go on past the rebuild's end: the projector follows the new tables with traffic too.
      const appendsAtEnd = writers.appends;
      await eventually(() => writers.appends >= appendsAtEnd + 20, 30_000, 'writes after the rebuild').finally(() => writers.stop());
    }
    const requestsDuringRebuild = clients.requests - requestsBefore;
    const total = await countStoredEvents(db.pool);
    await projector.drain(total);
    await clients.stop();

    process.stdout.write(
      `rebuild under the query service: ${result.events} events in ${result.seconds.toFixed(1)} s, writes held ` +
        `${result.lockedMs.toFixed(0)} ms; ${requestsDuringRebuild} GETs during it, ${clients.failures.length} not 200\n`,
    );
    expect(clients.failures).toEqual([]);
    expect(requestsDuringRebuild).toBeGreaterThan(0);
    expect(result).toMatchObject({ unappliableEvents: 0, oldTablesDropped: true });

    const events = await readAllCommitted((after, limit) => readCommittedBatch(rebuildSource, after, limit), total);
    expect(events).toHaveLength(total);
    const expected = expectedReadModel(events);
    for (const [id, row] of expected.accounts) {
      const reply = await send(app().url, `/accounts/${id}`, operator());
      expect({ id, status: reply.status, body: reply.body }).toEqual({ id, status: 200, body: accountBody(row) });
    }
    const sample = [...expected.accounts.keys()].slice(0, 25);
    for (const id of sample) {
      const rows = expected.transactions.filter((t) => t.account_id === id).reverse();
      const items: unknown[] = [];
      let cursor: string | undefined;
      do {
        const reply = await send(
          app().url,
          `/accounts/${id}/transactions?limit=200${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
          operator(),
        );
        expect(reply.status).toBe(200);
        items.push(...reply.body.items);
        cursor = reply.body.nextCursor;
      } while (cursor !== undefined);
      expect(items).toEqual(rows.map(transactionItem));
    }
  }, 240_000);
});
