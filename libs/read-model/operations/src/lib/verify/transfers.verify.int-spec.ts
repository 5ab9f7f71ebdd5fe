import {
  EVENT_STORE_MIGRATIONS_TABLE,
  eventsInStreamOrder,
  COMMIT_ORIGIN,
  eventStoreMigrations,
  readCommittedBatch,
  readStreamEvents,
} from '@ledger/event-store';
import { required } from '@ledger/platform';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import {
  accountsInIdOrder,
  readModelMigrations,
  transactionsInIdOrder,
  transferLegsInIdOrder,
  transferStatesInIdOrder,
  transfersInIdOrder,
} from '@ledger/read-model-schema';
import { bulkAppend, databaseSuite, eventually } from '@ledger/testing';
import type { Client } from 'pg';
import { heal } from '../actions/heal.action';
import { redriveTransfer } from '../actions/redrive.action';
import { rebuildReadModels } from '../rebuild/rebuild.operation';
import { operatorContext } from '../testing/operations.fixture';
import { transferScenario } from '../testing/transfer-ledger.fixture';
import { checkConsistency, type ConsistencySummary } from './consistency.check';
import type { Difference } from './consistency.difference';

const PAGE = 4;

/**
 * Deposits, withdrawals, immediate transfers and holds posted, voided, expired and pending, written
 * to the store as the command service commits them, projected by the projector's own writer; then
 * verify, on the real tables, against the read model as it is, tampered with, and rebuilt.
 */
describe('verify with transfers, against PostgreSQL', () => {
  const db = databaseSuite({
    migrations: [...eventStoreMigrations, ...readModelMigrations],
    migrationsTable: EVENT_STORE_MIGRATIONS_TABLE,
    poolSize: 4,
    session: true,
  });
  const scenario = transferScenario();
  const now = scenario.ledger.now;

  beforeAll(async () => {
    await bulkAppend(db.pool, scenario.ledger.events);
    const client = await db.pool.connect();
    try {
      // By stream, not in commit order: each stream's order is all the projection needs.
      const stored = [];
      for await (const event of eventsInStreamOrder(client, { batchSize: 100 })) stored.push(event);
      expect(stored).toHaveLength(scenario.ledger.events.length);
      const outcome = await new ProjectionWriter({ projection: 'accounts' }).apply(client, stored.map(inputFromStore));
      expect(outcome).toMatchObject({ applied: stored.length, deadLettered: 0 });
    } finally {
      client.release();
    }
  }, 60_000);

  async function verify(at: Date = now): Promise<{ differences: Difference[]; summary: ConsistencySummary }> {
    const client = await db.pool.connect();
    const differences: Difference[] = [];
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const summary = await checkConsistency(
        {
          events: eventsInStreamOrder(client, { batchSize: PAGE }),
          accounts: accountsInIdOrder(client, { batchSize: PAGE }),
          transactions: transactionsInIdOrder(client, { batchSize: PAGE }),
          transfers: {
            rows: transfersInIdOrder(client, PAGE),
            states: transferStatesInIdOrder(client, PAGE),
            legs: transferLegsInIdOrder(client, PAGE),
          },
          conservation: { now: at, expiryGraceMs: 5_000 },
        },
        (difference) => differences.push(difference),
      );
      await client.query('COMMIT');
      return { differences, summary };
    } finally {
      client.release(true);
    }
  }

  /** Runs `change`, verifies, and undoes it whatever happened. */
  async function tampered(change: string, undo: string, params: unknown[], undoParams: unknown[] = params): Promise<Difference[]> {
    await db.pool.query(change, params);
    try {
      return (await verify()).differences;
    } finally {
      await db.pool.query(undo, undoParams);
    }
  }

  it('given the projected read model, then verify finds nothing, in pages smaller than a transfer, and money is conserved', async () => {
    const { differences, summary } = await verify();

    expect(differences).toEqual([]);
    expect(summary).toMatchObject({ accountsChecked: 4, streams: 4, transferStreams: 6, transferRows: 6, differences: 0 });
    expect(summary.currencies).toEqual([
      { currency: 'EUR', deposited: 1010n, withdrawn: 100n, balances: 910n },
      { currency: 'USD', deposited: 500n, withdrawn: 0n, balances: 500n },
    ]);
  });

  it('given a reserved amount and a counterparty tampered with in the read model, then both are reported', async () => {
    const differences = await tampered(
      `WITH a AS (UPDATE read_model.accounts SET reserved = reserved + 1 WHERE account_id = $1 RETURNING 1)
       UPDATE read_model.account_transactions SET counterparty_account_id = $3 WHERE account_id = $1 AND transfer_id = $2`,
      `WITH a AS (UPDATE read_model.accounts SET reserved = reserved - 1 WHERE account_id = $1 RETURNING 1)
       UPDATE read_model.account_transactions SET counterparty_account_id = $3 WHERE account_id = $1 AND transfer_id = $2`,
      [scenario.a, scenario.immediate, scenario.c],
      [scenario.a, scenario.immediate, scenario.b],
    );

    expect(differences).toEqual([
      expect.objectContaining({ kind: 'transaction-field', accountId: scenario.a, expected: scenario.b, actual: scenario.c }),
      { kind: 'account-field', accountId: scenario.a, field: 'reserved', expected: '40', actual: '41' },
    ]);
  });

  it("given a transfer's state and leg tampered with in the read model, then the transfer is named with each", async () => {
    const stream = `transfer-${scenario.voided}`;

    const differences = await tampered(
      `WITH s AS (UPDATE read_model.transfer_states SET status = 'expired' WHERE transfer_id = $1 AND version = 2 RETURNING 1)
       UPDATE read_model.transfer_legs SET account_version = account_version + 100 WHERE transfer_id = $1 AND leg = 'HoldPlaced'`,
      `WITH s AS (UPDATE read_model.transfer_states SET status = 'voided' WHERE transfer_id = $1 AND version = 2 RETURNING 1)
       UPDATE read_model.transfer_legs SET account_version = account_version - 100 WHERE transfer_id = $1 AND leg = 'HoldPlaced'`,
      [scenario.voided],
    );

    expect(differences).toEqual([
      { kind: 'transfer-field', accountId: stream, field: 'state v2 status', expected: 'voided', actual: 'expired' },
      expect.objectContaining({ kind: 'transfer-field', accountId: stream, field: 'leg HoldPlaced' }),
    ]);
  });

  it("given the clock past the pending hold's deadline and the grace, then the stale hold, in the store as the read model shows it", async () => {
    const deadline = required(
      (await db.pool.query<{ expires_at: Date }>(`SELECT expires_at FROM read_model.transfers WHERE transfer_id = $1`, [scenario.pending]))
        .rows[0],
      'the pending hold',
    ).expires_at;

    const { differences } = await verify(new Date(deadline.getTime() + 6_000));

    expect(differences).toEqual([expect.objectContaining({ kind: 'transfer', accountId: `transfer-${scenario.pending}`, field: 'hold' })]);
  });

  it('given a rebuild of the store, then verify finds the rebuilt read model clean, transfers included', async () => {
    const source: Client = db.session;
    // The commit-order read waits for every transaction older than the appends on the shared server.
    await eventually(
      async () => (await readCommittedBatch(source, COMMIT_ORIGIN, 1_000)).length === scenario.ledger.events.length,
      30_000,
      'every appended event readable in commit order',
    );

    const result = await rebuildReadModels({
      pool: db.pool,
      readEvents: (after, limit) => readCommittedBatch(source, after, limit),
      performedBy: 'verify test',
      tuning: { loadChunk: 7, catchUpChunk: 5, smallTail: 3 },
    });

    expect(result).toMatchObject({ events: scenario.ledger.events.length, accounts: 4, unappliableEvents: 0, stuckAccounts: [] });
    const counts = await db.pool.query<{ transfers: number; states: number; legs: number }>(
      `SELECT (SELECT count(*) FROM read_model.transfers)::int AS transfers, (SELECT count(*) FROM read_model.transfer_states)::int AS states,
              (SELECT count(*) FROM read_model.transfer_legs)::int AS legs`,
    );
    expect(counts.rows[0]).toEqual({ transfers: 6, states: 9, legs: 12 });
    const { differences } = await verify();
    expect(differences).toEqual([]);
    // The foreign key came along: a state cannot outlive its transfer.
    await expect(
      db.pool.query(`INSERT INTO read_model.transfer_states VALUES ('00000000-0000-4000-8000-000000000000', 1, 'completed', 1, now())`),
    ).rejects.toThrow(/foreign key/);
  }, 60_000);

  it("given an account's history and legs lost from the read model, when healed from the store, then verify is clean again", async () => {
    await db.pool.query(
      `WITH t AS (DELETE FROM read_model.account_transactions WHERE account_id = $1 RETURNING 1),
            l AS (DELETE FROM read_model.transfer_legs WHERE account_id = $1 RETURNING 1)
       UPDATE read_model.accounts SET balance = 0, reserved = 0 WHERE account_id = $1`,
      [scenario.b],
    );
    const broken = await verify();
    expect(broken.differences.filter((d) => d.kind === 'missing-transfer').map((d) => d.field)).toEqual(
      expect.arrayContaining(['leg TransferCredited']),
    );

    const outcome = await heal(operatorContext(db.pool), scenario.b, () => readStreamEvents(db.pool, scenario.b));

    expect(outcome).toMatchObject({ kind: 'healed', accountId: scenario.b, wasParked: false });
    const legs = await db.pool.query(`SELECT count(*)::int AS n FROM read_model.transfer_legs WHERE account_id = $1`, [scenario.b]);
    // B was credited by the immediate transfer and the posted hold.
    expect(legs.rows[0]).toEqual({ n: 2 });
    expect((await verify()).differences).toEqual([]);
  });

  it("given a transfer's stream parked behind a gap, when its missing event came and it is redriven, then verify is clean", async () => {
    const before = scenario.ledger.events.length;
    const transferId = scenario.ledger.hold(scenario.a, scenario.b, 5n, 3600);
    scenario.ledger.post(transferId);
    const added = scenario.ledger.events.slice(before);
    await bulkAppend(db.pool, added);
    const stream = `transfer-${transferId}`;
    const stored = [];
    for (const id of [scenario.a, scenario.b, stream]) {
      stored.push(...(await readStreamEvents(db.pool, id)).filter((e) => added.some((a) => a.eventId === e.eventId)));
    }
    const [placed, posted] = stored.filter((e) => e.streamId === stream);
    const writer = new ProjectionWriter({ projection: 'accounts' });
    const client = await db.pool.connect();
    try {
      await writer.apply(client, stored.filter((e) => e.streamId !== stream).map(inputFromStore));
      const parked = await writer.apply(client, [inputFromStore(required(posted, 'the posting'))]);
      expect(parked.parkedTransfers).toEqual([transferId]);
      const held = await writer.apply(client, [inputFromStore(required(placed, 'the placing'))]);
      expect(held).toMatchObject({ held: 1, transferGapsClosed: [transferId] });
    } finally {
      client.release();
    }
    expect((await verify()).differences).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'missing-transfer', accountId: stream, field: 'transfer' })]),
    );

    const outcome = await redriveTransfer(operatorContext(db.pool), transferId.toUpperCase());

    expect(outcome).toMatchObject({ kind: 'redriven', transferId, version: 2 });
    expect((await verify()).differences).toEqual([]);
  });
});
