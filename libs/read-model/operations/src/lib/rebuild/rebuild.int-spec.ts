import { first, required } from '@ledger/platform';
import {
  countStoredEvents,
  eventStoreMigrations,
  PostgresEventStore,
  readCommittedBatch,
  type CommittedEvent,
  type StoredEvent,
} from '@ledger/event-store';
import {
  AccountTraffic,
  appendTraffic,
  databaseSuite,
  eventually,
  expectedReadModel,
  readAllCommitted,
  seedTraffic,
  StoreFollower,
  type TrafficAppend,
} from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { RebuildAlreadyRunningError, rebuildReadModels, type RebuildResult } from './rebuild.operation';
import type { RebuildProgress } from './rebuild.progress';
import { RELEASE_REBUILD_LOCK, TRY_REBUILD_LOCK } from './rebuild.sql';

/** Small chunks, so a few thousand events go through every phase more than once. */
const TUNING = { loadChunk: 700, catchUpChunk: 250, smallTail: 60 };

async function appendOrFail(store: PostgresEventStore, append: TrafficAppend): Promise<StoredEvent[]> {
  const result = await store.append({ ...append, events: [...append.events] });
  if (result.kind !== 'appended') throw new Error(`append to ${append.streamId} failed: ${result.kind}`);
  return [...result.events];
}

/** The relay and the projector in one loop: the store's commit order through the projector's writer. */
function standInProjector(pool: Pool, source: Client): StoreFollower<CommittedEvent> {
  const writer = new ProjectionWriter({ projection: 'accounts' });
  return new StoreFollower(
    (after, limit) => readCommittedBatch(source, after, limit),
    async (events) => {
      const client = await pool.connect();
      try {
        return await writer.apply(client, events.map(inputFromStore));
      } finally {
        client.release();
      }
    },
  );
}

/** Reads the live tables nonstop; every read must succeed and never show an account behind what was projected. */
function startReaders(pool: Pool, reached: ReadonlyMap<string, number>, count: number) {
  let stopped = false;
  let reads = 0;
  const failures: string[] = [];
  const run = async () => {
    while (!stopped) {
      const ids = [...reached.keys()];
      const id = ids[Math.floor(Math.random() * ids.length)];
      if (id === undefined) {
        failures.push('the readers started before any account was projected');
        return;
      }
      const floor = reached.get(id) ?? 0;
      try {
        // One statement, one snapshot: the account row and its newest history row must agree.
        const { rows } = await pool.query<{ version: number; history: number | null }>(
          `SELECT a.version::int AS version,
                  (SELECT t.version::int FROM read_model.account_transactions t
                    WHERE t.account_id = a.account_id ORDER BY t.version DESC LIMIT 1) AS history
             FROM read_model.accounts a WHERE a.account_id = $1`,
          [id],
        );
        const version = rows[0]?.version;
        if (version === undefined || version < floor) failures.push(`${id}: read version ${version}, projected ${floor}`);
        else if (rows[0]?.history !== version) failures.push(`${id}: account at ${version}, history at ${rows[0]?.history}`);
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`);
      }
      reads += 1;
    }
  };
  const done = Promise.all(Array.from({ length: count }, run));
  return {
    failures,
    get reads() {
      return reads;
    },
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

const allCommittedEvents = (source: Client, total: number) =>
  readAllCommitted((after, limit) => readCommittedBatch(source, after, limit), total);

async function actualReadModel(pool: Pool) {
  const accounts = await pool.query(
    `SELECT account_id::text AS account_id, owner, owner_id, currency, balance::text AS balance, status, version::int AS version,
            opened_at, updated_at, total_deposited::text AS total_deposited, total_withdrawn::text AS total_withdrawn,
            transaction_count::int AS transaction_count, last_activity_at
       FROM read_model.accounts`,
  );
  const transactions = await pool.query(
    `SELECT account_id::text AS account_id, version::int AS version, event_id::text AS event_id, type, amount::text AS amount,
            balance_after::text AS balance_after, status_after, reason, occurred_at, correlation_id
       FROM read_model.account_transactions ORDER BY account_id, version`,
  );
  const iso = (value: Date | null) => (value === null ? null : value.toISOString());
  return {
    accounts: new Map(
      accounts.rows.map((row) => [
        row.account_id as string,
        { ...row, opened_at: iso(row.opened_at), updated_at: iso(row.updated_at), last_activity_at: iso(row.last_activity_at) },
      ]),
    ),
    transactions: transactions.rows.map((row) => ({ ...row, occurred_at: iso(row.occurred_at) })),
  };
}

const catalog = (pool: Pool) =>
  pool
    .query(
      `SELECT c.relname AS table_name, i.relname AS index_name, con.conname AS constraint_name
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'read_model'
         LEFT JOIN pg_index x ON x.indrelid = c.oid
         LEFT JOIN pg_class i ON i.oid = x.indexrelid
         LEFT JOIN pg_constraint con ON con.conrelid = c.oid AND (con.conindid = x.indexrelid OR con.contype = 'c')
        WHERE c.relkind = 'r'
        ORDER BY 1, 2, 3`,
    )
    .then((r) => r.rows);

const untouchedByRebuild = (pool: Pool) =>
  pool
    .query(
      `SELECT (SELECT coalesce(json_agg(d ORDER BY d.id), '[]') FROM read_model.dead_letters d) AS dead_letters,
              (SELECT coalesce(json_agg(p ORDER BY p.account_id), '[]') FROM read_model.parked_accounts p) AS parked`,
    )
    .then((r) => r.rows[0]);

describe('rebuildReadModels against PostgreSQL', () => {
  const db = databaseSuite({
    migrations: [...eventStoreMigrations, ...readModelMigrations],
    migrationsTable: READ_MODEL_MIGRATIONS_TABLE,
    poolSize: 20,
  });
  const sourceSession = () => db.openSession();
  let store: PostgresEventStore;

  beforeAll(() => {
    store = new PostgresEventStore(db.pool, { notify: false });
  });

  it('given live appends, projection and reads, when rebuilt, then the read model is the fold of the store and every read succeeded', async () => {
    const traffic = new AccountTraffic();
    const append = async (a: TrafficAppend) => void (await appendOrFail(store, a));
    const owned = await seedTraffic(traffic, append, { accounts: 240, appends: 3_000 });

    // One account parked behind a gap, as the projector would park it: the rebuild must leave that be.
    // Opened by another subject than the rest, so the fold must carry each account's own owner id.
    const parked = traffic.openAccount(randomUUID(), 'Parked', 'parked-owner');
    const parkedId = parked.streamId;
    let parkedVersion = (await appendOrFail(store, parked)).length;
    while (parkedVersion < 3) parkedVersion += (await appendOrFail(store, traffic.act(parkedId))).length;
    const parkedClient = await db.pool.connect();
    try {
      const [v1, , v3] = await readAccount(store, parkedId);
      const gapped = [required(v1, 'version 1 of the parked account'), required(v3, 'version 3 of the parked account')];
      await new ProjectionWriter({ projection: 'accounts' }).apply(parkedClient, gapped.map(inputFromStore));
    } finally {
      parkedClient.release();
    }

    const projector = standInProjector(db.pool, await sourceSession());
    projector.reached.set(parkedId, 1);
    projector.start();
    await eventually(
      () => projector.applied >= 2_000,
      60_000,
      'the stand-in projector past 2,000 events',
      () => projector.applied,
    );
    const writers = appendTraffic(traffic, owned, append, 2);
    const readers = startReaders(db.pool, projector.reached, 3);
    const catalogBefore = await catalog(db.pool);
    const untouchedBefore = await untouchedByRebuild(db.pool);

    const rebuildSource = await sourceSession();
    const progress: RebuildProgress[] = [];
    const readsBefore = readers.reads;
    const projectedBefore = projector.applied;
    const countEvents = () => countStoredEvents(db.pool);
    let result: RebuildResult;
    try {
      result = await rebuildReadModels({
        pool: db.pool,
        readEvents: (after, limit) => readCommittedBatch(rebuildSource, after, limit),
        countEvents,
        performedBy: 'rebuild test',
        onProgress: (p) => progress.push(p),
        tuning: TUNING,
      });
      // Traffic keeps flowing past the swap, so the projector meets what the rebuild already applied.
      const atSwap = await countEvents();
      await eventually(
        async () => projector.read >= atSwap && (await countEvents()) > atSwap,
        60_000,
        'appends after the swap, and the projector through every event the rebuild saw',
        () => ({ atSwap, projectorRead: projector.read }),
      );
    } finally {
      await writers.stop();
    }
    const readsDuringRebuild = readers.reads - readsBefore;
    const total = await countEvents();
    await projector.drain(total);
    await readers.stop();

    process.stdout.write(
      `rebuild under load: ${result.events} events, ${result.accounts} accounts in ${result.seconds.toFixed(1)} s, ` +
        `writes held ${result.lockedMs.toFixed(0)} ms; ${readsDuringRebuild} reads during it, ${readers.failures.length} failed; ` +
        `${projector.duplicates} duplicates skipped by the projector, ${total} events in the store\n`,
    );
    expect(readers.failures).toEqual([]);
    expect(readsDuringRebuild).toBeGreaterThan(0);
    expect(result).toMatchObject({ unappliableEvents: 0, stuckAccounts: [], oldTablesDropped: true });
    expect(result.events).toBeGreaterThanOrEqual(projectedBefore);
    expect(result.events).toBeLessThanOrEqual(total);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['load', 'index', 'catch-up', 'swap', 'done']));

    const expected = expectedReadModel(await allCommittedEvents(rebuildSource, total));
    const actual = await actualReadModel(db.pool);
    expect(expected.transactions).toHaveLength(total);
    expect(actual.accounts.size).toBe(expected.accounts.size);
    for (const [id, account] of expected.accounts) expect(actual.accounts.get(id)).toEqual(account);
    const byKey = (rows: readonly { account_id: string; version: number }[]) =>
      [...rows].sort((a, b) => a.account_id.localeCompare(b.account_id) || a.version - b.version);
    expect(actual.transactions).toEqual(byKey(expected.transactions));
    expect(actual.accounts.get(parkedId)).toMatchObject({
      version: required(expected.accounts.get(parkedId), 'the parked account').version,
    });

    expect(await catalog(db.pool)).toEqual(catalogBefore);
    expect(await untouchedByRebuild(db.pool)).toEqual(untouchedBefore);
    const held = await db.pool.query(`SELECT count(*)::int AS count FROM read_model.parked_events`);
    expect(held.rows[0].count).toBe(projector.held);
    const action = await db.pool.query(
      `SELECT action, target, outcome, detail, performed_by FROM read_model.operator_actions WHERE id = $1`,
      [result.operatorActionId],
    );
    expect(action.rows).toEqual([
      {
        action: 'rebuild',
        target: 'read_model',
        outcome: 'completed',
        performed_by: 'rebuild test',
        detail: expect.objectContaining({ events: result.events, accounts: result.accounts }),
      },
    ]);
  }, 240_000);

  it('given an event the code cannot read in the store, when rebuilt, then its account stops before it and nothing is dead-lettered', async () => {
    // Rolls that always deposit: the account must stay open for the act after the unreadable event.
    const traffic = new AccountTraffic({ random: () => 0.1 });
    const open = traffic.openAccount();
    await appendOrFail(store, open);
    await appendOrFail(store, traffic.act(open.streamId));
    const bogus = { ...first(open.events, 'the opening event'), eventId: randomUUID(), type: 'AccountRenamed', data: { to: 'x' } };
    expect((await store.append({ streamId: open.streamId, expectedVersion: 2, events: [bogus] })).kind).toBe('appended');
    await appendOrFail(store, { ...traffic.act(open.streamId), expectedVersion: 3 });
    const deadLettersBefore = await untouchedByRebuild(db.pool);
    const source = await sourceSession();
    // Past the cluster-wide horizon first (another suite's open transaction can hold it back).
    await allCommittedEvents(source, Number((await db.pool.query(`SELECT count(*) FROM event_store.events`)).rows[0].count));

    const result = await rebuildReadModels({
      pool: db.pool,
      readEvents: (after, limit) => readCommittedBatch(source, after, limit),
      performedBy: 'rebuild test',
      tuning: TUNING,
    });

    expect(result).toMatchObject({ unappliableEvents: 2, stuckAccounts: [open.streamId] });
    const account = await db.pool.query(`SELECT version::int AS version FROM read_model.accounts WHERE account_id = $1`, [open.streamId]);
    expect(account.rows).toEqual([{ version: 2 }]);
    expect(await untouchedByRebuild(db.pool)).toEqual(deadLettersBefore);
  }, 120_000);

  it('given another role allowed to read the live tables, when rebuilt, then it may still read them', async () => {
    const role = `ledger_test_reader_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`CREATE ROLE ${role}`);
    try {
      await db.pool.query(`GRANT SELECT ON read_model.accounts, read_model.account_transactions TO ${role}`);
      const source = await sourceSession();

      await rebuildReadModels({
        pool: db.pool,
        readEvents: (after, limit) => readCommittedBatch(source, after, limit),
        performedBy: 'rebuild test',
      });

      const allowed = await db.pool.query(
        `SELECT has_table_privilege($1, 'read_model.accounts', 'SELECT') AS accounts,
                has_table_privilege($1, 'read_model.account_transactions', 'SELECT') AS transactions,
                has_table_privilege($1, 'read_model.accounts', 'UPDATE') AS update`,
        [role],
      );
      expect(allowed.rows).toEqual([{ accounts: true, transactions: true, update: false }]);
    } finally {
      await db.pool.query(`DROP OWNED BY ${role}`);
      await db.pool.query(`DROP ROLE ${role}`);
    }
  }, 60_000);

  it('given a rebuild running, when another starts, then it is refused and changes nothing', async () => {
    const holder = await sourceSession();
    await holder.query(TRY_REBUILD_LOCK);
    const before = await db.pool.query(`SELECT count(*)::int AS count FROM read_model.operator_actions`);
    try {
      await expect(
        rebuildReadModels({ pool: db.pool, readEvents: () => Promise.resolve([]), performedBy: 'rebuild test' }),
      ).rejects.toBeInstanceOf(RebuildAlreadyRunningError);
    } finally {
      await holder.query(RELEASE_REBUILD_LOCK);
    }
    const tables = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'read_model' AND tablename LIKE '%\\_next'`);
    expect(tables.rows).toEqual([]);
    expect((await db.pool.query(`SELECT count(*)::int AS count FROM read_model.operator_actions`)).rows).toEqual(before.rows);
  }, 60_000);
});

/** One account's stored events from version 1, read back through the store's own read path. */
async function readAccount(store: PostgresEventStore, accountId: string): Promise<StoredEvent[]> {
  return [...(await store.readStream(accountId, { snapshotSchemaVersion: 1 })).events];
}
