import {
  eventStoreMigrations,
  PostgresEventStore,
  readCommittedBatch,
  pruneIdempotencyKeysBatch,
  RelayCheckpoints,
  sampleRelayLag,
  type StoredEvent,
} from '@ledger/event-store';
import { DATABASE_ROLES, required } from '@ledger/platform';
import { AccountTraffic, asRole, databaseSuite, testPool, type TrafficAppend } from '@ledger/testing';
import type { Pool } from 'pg';
import { inputFromStore, ProjectionWriter, pruneProcessedEvents } from '@ledger/read-model-projection';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { redrive } from './actions/redrive.action';
import { rebuildReadModels } from './rebuild/rebuild.operation';

const { command, relay, projector, query } = DATABASE_ROLES;
type AppRole = (typeof DATABASE_ROLES)[keyof typeof DATABASE_ROLES];

/** Resolves to the SQLSTATE the statement failed with, or `ok`. */
async function outcomeOf(pool: Pool, sql: string): Promise<string> {
  return pool.query(sql).then(
    () => 'ok',
    (error: { code?: string }) => error.code ?? 'no code',
  );
}

const DENIED = '42501';

/** A row for every table, so UPDATE and DELETE have something to refuse rather than nothing to do. */
const WRITES = {
  events: `INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
           VALUES ('forged', 1, gen_random_uuid(), 'MoneyDeposited', 1, '{}', '{}', now())`,
  updateEvents: `UPDATE event_store.events SET data = '{"amount":"1000000"}'`,
  deleteEvents: `DELETE FROM event_store.events`,
  updateStreams: `UPDATE event_store.streams SET version = version + 1`,
  readEvents: `SELECT count(*) FROM event_store.events`,
  readCheckpoints: `SELECT count(*) FROM event_store.relay_checkpoints`,
  accounts: `INSERT INTO read_model.accounts (account_id, owner, currency, balance, status, version, opened_at, updated_at)
             VALUES (gen_random_uuid(), 'Mallory', 'EUR', 1000000, 'ACTIVE', 1, now(), now())`,
  updateAccounts: `UPDATE read_model.accounts SET balance = balance + 1000000`,
  deleteAccounts: `DELETE FROM read_model.accounts`,
  deleteTransactions: `DELETE FROM read_model.account_transactions`,
  readAccounts: `SELECT count(*) FROM read_model.accounts`,
  readDeadLetters: `SELECT count(*) FROM read_model.dead_letters`,
  deleteAudit: `DELETE FROM read_model.operator_actions`,
};

describe('database roles: each app connects with only the grants it needs', () => {
  const db = databaseSuite({
    migrations: [...eventStoreMigrations, ...readModelMigrations],
    migrationsTable: READ_MODEL_MIGRATIONS_TABLE,
    poolSize: 4,
  });
  const pools = new Map<AppRole, Pool>();
  const as = (role: AppRole): Pool => {
    const existing = pools.get(role);
    if (existing !== undefined) return existing;
    const pool = testPool(asRole(db.url, role), 3);
    pools.set(role, pool);
    return pool;
  };
  const traffic = new AccountTraffic();
  const stored: StoredEvent[] = [];

  afterAll(async () => {
    for (const pool of pools.values()) await pool.end().catch(() => undefined);
  });

  async function appendAsCommand(append: TrafficAppend): Promise<StoredEvent[]> {
    const store = new PostgresEventStore(as(command), { notify: true });
    const result = await store.append({ ...append, events: [...append.events] });
    if (result.kind !== 'appended') throw new Error(`append to ${append.streamId}: ${result.kind}`);
    stored.push(...result.events);
    return [...result.events];
  }

  async function projectAsProjector(events: readonly StoredEvent[]): Promise<void> {
    const client = await as(projector).connect();
    try {
      await new ProjectionWriter({ projection: 'accounts' }).apply(client, events.map(inputFromStore));
    } finally {
      client.release();
    }
  }

  it('command appends (with an idempotency key and a snapshot) and reads its streams back', async () => {
    const opening = traffic.openAccount();
    const store = new PostgresEventStore(as(command), { notify: true });
    const result = await store.append({
      ...opening,
      events: [...opening.events],
      snapshot: { version: 1, schemaVersion: 1, state: { opened: true } },
      idempotency: { key: `open-${opening.streamId}`, scope: 'ada', requestHash: 'h', result: { status: 201 } },
    });
    expect(result.kind).toBe('appended');
    if (result.kind === 'appended') stored.push(...result.events);
    const acted = await appendAsCommand(traffic.act(opening.streamId));

    const read = await store.readStream(opening.streamId, { snapshotSchemaVersion: 1 });
    expect(read.version).toBe(required(acted.at(-1), 'the last appended event').version);
    expect(await store.findIdempotencyRecord({ key: `open-${opening.streamId}`, scope: 'ada' })).toMatchObject({ result: { status: 201 } });
    // The pruner runs as the command role too; a key just written is not yet old enough to go.
    expect(await pruneIdempotencyKeysBatch(as(command), { olderThanSeconds: 3600, batchSize: 10 })).toBe(0);
  });

  it('command may not rewrite history, touch the checkpoint, or read or write the read model', async () => {
    const pool = as(command);
    expect(await outcomeOf(pool, WRITES.updateEvents)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.deleteEvents)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.readCheckpoints)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.readAccounts)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.accounts)).toBe(DENIED);
  });

  it('relay reads committed events, keeps its checkpoint, and sees other roles open transactions', async () => {
    const opening = traffic.openAccount();
    await appendAsCommand(opening);
    const session = await as(relay).connect();
    try {
      const batch = await readCommittedBatch(session, { transactionId: '0', globalPosition: '0' }, 100);
      expect(batch.map((event) => event.eventId)).toEqual(stored.map((event) => event.eventId));
      const checkpoints = new RelayCheckpoints('roles-test');
      const last = required(batch.at(-1), 'the last committed event');
      await checkpoints.save(session, last);
      await checkpoints.recordDestination(session, { clusterId: 'cluster', topic: 'account-events', topicId: 'topic-id' });
      expect(await checkpoints.load(session)).toMatchObject({
        position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
        destination: { clusterId: 'cluster', topic: 'account-events' },
      });
    } finally {
      session.release();
    }

    // A command transaction that wrote and is still open: the relay's lag metric must see it (pg_read_all_stats).
    const open = await as(command).connect();
    try {
      await open.query('BEGIN');
      // pg_sleep is not a wait: it lets the open transaction age, so a non-zero age is time that passed.
      await open.query(`SELECT pg_current_xact_id(), pg_sleep(0.05)`);
      const lag = await sampleRelayLag(as(relay), 'roles-test');
      expect(lag.oldestOpenTransactionAgeSeconds).toBeGreaterThan(0);
    } finally {
      await open.query('ROLLBACK');
      open.release();
    }
  });

  it('relay may not write events or streams, or read the read model', async () => {
    const pool = as(relay);
    expect(await outcomeOf(pool, WRITES.events)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.updateStreams)).toBe(DENIED);
    expect(await outcomeOf(pool, `DELETE FROM event_store.relay_checkpoints`)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.readAccounts)).toBe(DENIED);
  });

  it('projector applies batches, parks an account at a gap, closes the gap by a re-drive, and prunes', async () => {
    const opening = traffic.openAccount();
    const events = await appendAsCommand(opening);
    while (events.length < 3) events.push(...(await appendAsCommand(traffic.act(opening.streamId))));
    const [v1, v2, v3] = events;
    await projectAsProjector(stored.filter((event) => event.streamId !== opening.streamId));

    // Version 3 before 2: the account parks, 2 is held, and the re-drive closes the gap as the projector does.
    await projectAsProjector([required(v1, 'v1'), required(v3, 'v3')]);
    await projectAsProjector([required(v2, 'v2')]);
    const outcome = await redrive({ pool: as(projector), performedBy: 'projector' }, opening.streamId);
    expect(outcome.kind).toBe('redriven');
    const { rows } = await db.pool.query<{ version: string }>(`SELECT version::text FROM read_model.accounts WHERE account_id = $1`, [
      opening.streamId,
    ]);
    expect(rows).toEqual([{ version: '3' }]);
    await projectAsProjector(events.slice(3));
    expect(await pruneProcessedEvents(as(projector), { olderThanSeconds: 0, chunkSize: 1000 })).toBeGreaterThan(0);
  });

  it('projector may not touch the event store, delete history or rewrite the audit trail', async () => {
    const pool = as(projector);
    expect(await outcomeOf(pool, WRITES.events)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.readEvents)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.deleteTransactions)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.deleteAudit)).toBe(DENIED);
  });

  it('query reads the read models and listens for changes', async () => {
    const pool = as(query);
    const { rows } = await pool.query<{ accounts: number; transactions: number }>(
      `SELECT (SELECT count(*) FROM read_model.accounts)::int AS accounts,
              (SELECT count(*) FROM read_model.account_transactions)::int AS transactions`,
    );
    expect(rows[0]?.accounts).toBeGreaterThan(0);
    expect(rows[0]?.transactions).toBeGreaterThan(0);
    expect(await outcomeOf(pool, 'LISTEN read_model_changed')).toBe('ok');
  });

  it('query may not write the read model, read its bookkeeping, or read or write the event store', async () => {
    const pool = as(query);
    for (const write of [WRITES.accounts, WRITES.updateAccounts, WRITES.deleteAccounts, WRITES.deleteTransactions]) {
      expect(await outcomeOf(pool, write)).toBe(DENIED);
    }
    expect(await outcomeOf(pool, WRITES.readDeadLetters)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.readEvents)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.events)).toBe(DENIED);
    expect(await outcomeOf(pool, WRITES.updateEvents)).toBe(DENIED);
  });

  it('a rebuild swaps in tables with exactly the live privileges: query still reads, projector still writes', async () => {
    const privileges = () =>
      db.pool
        .query<{ entry: string }>(
          `SELECT c.relname || ' ' || a.grantee::regrole || ' ' || a.privilege_type AS entry
             FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid IN ('read_model.accounts'::regclass, 'read_model.account_transactions'::regclass)
            ORDER BY 1`,
        )
        .then((result) => result.rows.map((row) => row.entry));
    const before = await privileges();
    expect(before).toContain(`accounts ${query} SELECT`);

    const source = await db.openSession();
    const result = await rebuildReadModels({
      pool: db.pool,
      readEvents: (after, limit) => readCommittedBatch(source, after, limit),
      performedBy: 'roles test',
    });
    expect(result.events).toBe(stored.length);
    expect(await privileges()).toEqual(before);

    const { rows } = await as(query).query<{ n: number }>(`SELECT count(*)::int AS n FROM read_model.accounts`);
    expect(rows[0]?.n).toBe(result.accounts);
    const opening = traffic.openAccount();
    await projectAsProjector(await appendAsCommand(opening));
    expect(await outcomeOf(as(query), `SELECT 1 FROM read_model.accounts WHERE account_id = '${opening.streamId}'`)).toBe('ok');
    expect(await outcomeOf(as(projector), WRITES.deleteAccounts)).toBe(DENIED);
    expect(await outcomeOf(as(query), WRITES.accounts)).toBe(DENIED);
  });

  it('tables a later migration creates follow the same split', async () => {
    await db.pool.query(`CREATE TABLE read_model.later_model (id bigserial PRIMARY KEY, note text)`);
    await db.pool.query(`CREATE TABLE event_store.later_table (id bigserial PRIMARY KEY, note text)`);

    expect(await outcomeOf(as(projector), `INSERT INTO read_model.later_model (note) VALUES ('p')`)).toBe('ok');
    expect(await outcomeOf(as(query), `SELECT * FROM read_model.later_model`)).toBe('ok');
    expect(await outcomeOf(as(query), `INSERT INTO read_model.later_model (note) VALUES ('q')`)).toBe(DENIED);
    expect(await outcomeOf(as(command), `INSERT INTO event_store.later_table (note) VALUES ('c')`)).toBe('ok');
    expect(await outcomeOf(as(relay), `SELECT * FROM event_store.later_table`)).toBe('ok');
    expect(await outcomeOf(as(relay), `INSERT INTO event_store.later_table (note) VALUES ('r')`)).toBe(DENIED);
    expect(await outcomeOf(as(query), `SELECT * FROM event_store.later_table`)).toBe(DENIED);
  });

  it('the migrations ran as the owner: no app role owns a schema or a table', async () => {
    const { rows } = await db.pool.query<{ owned: number }>(
      `SELECT count(*)::int AS owned FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('event_store', 'read_model') AND pg_get_userbyid(c.relowner) = ANY($1::text[])`,
      [Object.values(DATABASE_ROLES)],
    );
    expect(rows[0]?.owned).toBe(0);
  });
});
