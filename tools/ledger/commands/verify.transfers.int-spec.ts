import {
  decide,
  decideTransfer,
  encodeEvent,
  encodeTransferEvent,
  evolve,
  initialAccountState,
  initialTransferState,
  transferStreamId,
  type AccountEvent,
  type AccountState,
  type TransferEvent,
} from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS_TABLE, eventsInStreamOrder, eventStoreMigrations } from '@ledger/event-store';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import { readModelMigrations } from '@ledger/read-model-schema';
import { bulkAppend, databaseSuite, type BulkEvent } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { runLedger } from '../ledger.cli';
import type { Terminal } from '../ledger.output';

const A = randomUUID();
const B = randomUUID();
const PAID = randomUUID();
const HELD = randomUUID();

/**
 * A pays B 30 at once, and places a hold of 20 for a minute that began two minutes ago: its deadline
 * passed a minute ago and nothing released it, as if the expiry worker had stopped.
 */
function history(): BulkEvent[] {
  const events: BulkEvent[] = [];
  const states = new Map<string, { state: AccountState; version: number }>();
  const started = Date.now() - 120_000;
  const record = (streamId: string, version: number, encoded: { type: string; schemaVersion: number; data: BulkEvent['data'] }, at: Date) =>
    events.push({
      ...encoded,
      streamId,
      version,
      eventId: randomUUID(),
      metadata: { correlationId: 'c', causationId: null },
      occurredAt: at,
    });
  const account = (id: string, produced: readonly AccountEvent[], at: Date) => {
    const stream = states.get(id) ?? { state: initialAccountState, version: 0 };
    states.set(id, stream);
    for (const event of produced) {
      stream.state = evolve(stream.state, event);
      record(id, ++stream.version, encodeEvent(event), at);
    }
  };
  const transfer = (id: string, produced: readonly TransferEvent[], at: Date) =>
    produced.forEach((event, i) => record(transferStreamId(id), i + 1, encodeTransferEvent(event), at));
  const at = new Date(started);
  for (const [id, initialDeposit] of [
    [A, 100n],
    [B, 0n],
  ] as const) {
    const opened = decide(
      { type: 'OpenAccount', data: { accountId: id, owner: 'Ada', ownerId: 'ada', currency: 'EUR', initialDeposit, now: at } },
      initialAccountState,
    );
    if (!opened.ok) throw new Error(opened.error.type);
    account(id, opened.events, at);
  }
  const terms = { fromAccountId: A, toAccountId: B, currency: 'EUR', reference: null };
  for (const command of [
    { type: 'TransferMoney', data: { ...terms, transferId: PAID, amount: 30n, now: at } },
    { type: 'PlacePendingTransfer', data: { ...terms, transferId: HELD, amount: 20n, timeoutSeconds: 60, now: at } },
  ] as const) {
    const decision = decideTransfer(
      command,
      initialTransferState,
      states.get(A)?.state ?? initialAccountState,
      states.get(B)?.state ?? initialAccountState,
    );
    if (!decision.ok) throw new Error(decision.error.type);
    account(A, decision.from, at);
    account(B, decision.to, at);
    transfer(command.data.transferId, decision.transfer, at);
  }
  return events;
}

describe('npm run ledger -- verify with transfers against PostgreSQL', () => {
  const db = databaseSuite({
    migrations: [...eventStoreMigrations, ...readModelMigrations],
    migrationsTable: EVENT_STORE_MIGRATIONS_TABLE,
    poolSize: 2,
  });

  beforeAll(async () => {
    await bulkAppend(db.pool, history());
    const client = await db.pool.connect();
    try {
      const stored = [];
      for await (const event of eventsInStreamOrder(client, { batchSize: 100 })) stored.push(event);
      await new ProjectionWriter({ projection: 'accounts' }).apply(client, stored.map(inputFromStore));
    } finally {
      client.release();
    }
  }, 60_000);

  async function ledger(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const terminal: Terminal = { isTty: false, columns: 80, out: (t) => out.push(t), err: (t) => err.push(t) };
    const code = await runLedger(argv, terminal, { DATABASE_URL: db.url, USER: 'carol' });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('given a hold a minute past its deadline, then the stale hold and exit 4; with a longer --expiry-interval, exit 0', async () => {
    const stale = await ledger(['verify']);
    const lenient = await ledger(['verify', '--expiry-interval', '3600']);

    expect(stale.code).toBe(4);
    expect(stale.out.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^transfer-${HELD} {2}hold: expected released by .* \\(deadline .* \\+ 5000 ms\\), actual pending \\d+ ms after its deadline`,
        ),
      ),
      'Checked 2 accounts: 2 streams (7 events) against 2 account rows and 5 history rows; 2 transfer streams against 2 transfer rows.',
      'Money in the event store: EUR balances 100 (deposits 100 - withdrawals 0).',
      '1 difference: 1 transfer.',
    ]);
    expect(lenient).toMatchObject({ code: 0, err: '' });
    expect(lenient.out).toMatch(/No differences: the read model agrees with the event store, and money is conserved\.$/);
  });

  it('given --json, then the money per currency as exact strings', async () => {
    const run = await ledger(['verify', '--json', '--expiry-interval', '3600']);

    expect(run.code).toBe(0);
    const json = JSON.parse(run.out) as { summary: { currencies: unknown; transferStreams: number } };
    expect(json.summary).toMatchObject({
      transferStreams: 2,
      currencies: [{ currency: 'EUR', deposited: '100', withdrawn: '0', balances: '100' }],
    });
  });

  it('given redrive of a transfer stream that is not parked, then nothing to do, exit 0', async () => {
    const run = await ledger(['redrive', `transfer-${PAID}`]);

    expect(run).toMatchObject({ code: 0, out: `Transfer stream transfer-${PAID} is not parked: nothing to redrive.` });
  });
});
