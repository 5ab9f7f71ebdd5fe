import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { AccountCommandHandler, CommandContext, TransferCommandHandler } from '@ledger/account-commands';
import { Actor, availableBalance, transferStreamId } from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations, PostgresEventStore } from '@ledger/event-store';
import { HOLD_EXPIRY_LOCK_KEY, MetricsRegistry, required } from '@ledger/platform';
import { createTestDatabase, eventually, TcpProxy, TestDatabase, testPool } from '@ledger/testing';
import { systemClock } from '../../accounts/clock';
import { HoldExpiryMetrics } from './hold-expiry.metrics';
import { holdExpiryWorker } from './hold-expiry.provider';
import type { HoldExpiryWorker } from './hold-expiry.worker';

const OPERATOR: Actor = { subject: 'hold-expiry-suite', clientId: null, operator: true };
const INTERVAL_MS = 250;
const OPENING_BALANCE = 10_000n;
const EXPIRY_WAIT_MS = 30_000;

interface Expiry {
  readonly replica: string;
  readonly transferId: string;
  readonly lagMs: number;
}

/** One command replica: its own pool, store and handlers, and a hold-expiry worker whose lock session goes through its own proxy. */
interface Replica {
  readonly name: string;
  readonly pool: Pool;
  readonly transfers: TransferCommandHandler;
  readonly accounts: AccountCommandHandler;
  readonly proxy: TcpProxy;
  worker: HoldExpiryWorker;
}

const context = (): CommandContext => ({ actor: OPERATOR, correlationId: randomUUID(), causationId: randomUUID() });

describe('hold expiry across two command replicas (real Postgres)', () => {
  let database: TestDatabase;
  const replicas: Replica[] = [];
  const expiries: Expiry[] = [];
  const failures: string[] = [];
  let source = '';
  let destination = '';

  const startWorker = (replica: Omit<Replica, 'worker'>): HoldExpiryWorker => {
    const store = new PostgresEventStore(replica.pool, { notify: false });
    const worker = holdExpiryWorker({
      config: { DATABASE_URL: replica.proxy.rewrite(database.url), HOLD_EXPIRY_ENABLED: true, HOLD_EXPIRY_INTERVAL_MS: INTERVAL_MS },
      store,
      transfers: replica.transfers,
      clock: systemClock,
      metrics: new HoldExpiryMetrics(new MetricsRegistry('command')),
      observer: {
        expired: ({ transferId, lagMs }) => expiries.push({ replica: replica.name, transferId, lagMs }),
        failed: ({ streamId, reason }) => failures.push(`${replica.name} ${streamId}: ${reason}`),
      },
      applicationName: `hold-expiry-${replica.name}`,
    });
    worker.onApplicationBootstrap();
    return worker;
  };

  const startReplica = async (name: string): Promise<Replica> => {
    const pool = testPool(database.url, 4);
    const store = new PostgresEventStore(pool, { notify: false });
    const parts = {
      name,
      pool,
      transfers: new TransferCommandHandler({ store }),
      accounts: new AccountCommandHandler({ store }),
      proxy: await TcpProxy.inFrontOf(database.url),
    };
    const replica: Replica = { ...parts, worker: startWorker(parts) };
    replicas.push(replica);
    return replica;
  };

  /** Which replica's session holds the hold-expiry lock (null: none), as Postgres sees it. */
  const lockHolder = async (): Promise<{ replica: string; pid: number } | null> => {
    const pool = required(replicas[0], 'a replica').pool;
    const { rows } = await pool.query<{ pid: number; application_name: string }>(
      `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid::bigint = $1::bigint AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [HOLD_EXPIRY_LOCK_KEY],
    );
    expect(rows.length).toBeLessThanOrEqual(1);
    const row = rows[0];
    return row === undefined ? null : { replica: row.application_name.replace(/^hold-expiry-/, ''), pid: row.pid };
  };

  const placeHolds = async (by: Replica, amounts: readonly bigint[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const amount of amounts) {
      const transferId = randomUUID();
      const command = {
        type: 'PlacePendingTransfer' as const,
        data: {
          transferId,
          fromAccountId: source,
          toAccountId: destination,
          amount,
          currency: 'EUR',
          reference: null,
          now: new Date(),
          timeoutSeconds: 1,
        },
      };
      const outcome = await by.transfers.handle(command, context());
      expect(outcome.kind).toBe('accepted');
      ids.push(transferId);
    }
    return ids;
  };

  const waitUntilExpired = (ids: readonly string[]) =>
    eventually(
      () => ids.every((id) => expiries.some((e) => e.transferId === id)),
      EXPIRY_WAIT_MS,
      `holds ${ids.join(', ')} expired`,
      () => ({ expiries, failures }),
    );

  /** Every hold expired exactly once, in the store and by the workers' count, by `replica` alone; the source whole again. */
  const expectExpiredOnceBy = async (replica: string, ids: readonly string[]) => {
    const reader = required(replicas[0], 'a replica');
    const store = new PostgresEventStore(reader.pool, { notify: false });
    for (const id of ids) {
      const read = await store.readStream(transferStreamId(id), { snapshotSchemaVersion: 1, ignoreSnapshot: true });
      expect(read.events.map((e) => e.type)).toEqual(['PendingTransferPlaced', 'PendingTransferExpired']);
      expect((await reader.transfers.loadTransfer(id)).state).toMatchObject({ status: 'expired' });
      expect(expiries.filter((e) => e.transferId === id).map((e) => e.replica)).toEqual([replica]);
    }
    const { state } = await reader.accounts.load(source);
    if (state.status === 'NOT_OPENED') throw new Error('the source account is not open');
    expect(state.reserved).toBe(0n);
    expect(state.balance).toBe(OPENING_BALANCE);
    expect(availableBalance(state)).toBe(OPENING_BALANCE);
    expect(await store.dueStreams(new Date(), 100)).toEqual([]);
    expect(failures).toEqual([]);
  };

  beforeAll(async () => {
    // A cut-off replica retries its lock every interval; its warnings would drown the report.
    Logger.overrideLogger(['error']);
    database = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    const first = await startReplica('a');
    await startReplica('b');
    [source, destination] = [randomUUID(), randomUUID()];
    for (const [accountId, initialDeposit] of [
      [source, OPENING_BALANCE],
      [destination, 0n],
    ] as const) {
      const opened = await first.accounts.handle(
        {
          type: 'OpenAccount',
          data: { accountId, owner: 'Hold Expiry', ownerId: OPERATOR.subject, currency: 'EUR', initialDeposit, now: new Date() },
        },
        context(),
      );
      expect(opened.kind).toBe('accepted');
    }
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas) {
      await replica.worker.beforeApplicationShutdown();
      await replica.proxy.stop();
      await replica.pool.end();
    }
    await database?.drop();
    const lags = expiries.map((e) => e.lagMs).sort((x, y) => x - y);
    const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
    // Measured, not asserted: a busy machine must not fail the suite; the figure is what the spec promises.
    console.log(
      `hold expiry lag after the deadline over ${lags.length} holds (interval ${INTERVAL_MS} ms): ` +
        `min ${lags[0]} ms, median ${at(0.5)} ms, max ${lags.at(-1)} ms`,
    );
  }, 60_000);

  let leader = '';

  it('given holds of 1 s placed through one replica, then each expires exactly once, all by the one replica holding the lock', async () => {
    const ids = await placeHolds(required(replicas[1], 'replica b'), [100n, 200n, 300n]);

    await waitUntilExpired(ids);
    leader = required(expiries[0], 'an expiry').replica;
    await expectExpiredOnceBy(leader, ids);
    expect((await lockHolder())?.replica).toBe(leader);
    expect(replicas.map((r) => [r.name, r.worker.isLeader()])).toEqual(replicas.map((r) => [r.name, r.name === leader]));
    expect(expiries.every((e) => e.lagMs >= 0)).toBe(true);
  }, 60_000);

  it('given the leader stopped, then it lets go of the lock and the other replica expires the next holds', async () => {
    const stopped = required(
      replicas.find((r) => r.name === leader),
      'the leader',
    );
    const other = required(
      replicas.find((r) => r.name !== leader),
      'the standby',
    );
    await stopped.worker.beforeApplicationShutdown();
    expect(stopped.worker.isLeader()).toBe(false);
    await eventually(async () => (await lockHolder())?.replica === other.name, EXPIRY_WAIT_MS, `${other.name} holding the lock`);

    const ids = await placeHolds(stopped, [400n, 500n]);
    await waitUntilExpired(ids);
    await expectExpiredOnceBy(other.name, ids);
    leader = other.name;

    // Back as a standby for the next case, as a restarted replica would be.
    stopped.worker = startWorker(stopped);
  }, 60_000);

  it('given the leader cut off (its lock session terminated, no way back to the database), then the standby takes over and the leader expires nothing more', async () => {
    const dead = required(
      replicas.find((r) => r.name === leader),
      'the leader',
    );
    const survivor = required(
      replicas.find((r) => r.name !== leader),
      'the standby',
    );
    const holder = required(await lockHolder(), 'a lock holder');
    expect(holder.replica).toBe(dead.name);

    const { rows } = await survivor.pool.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [holder.pid]);
    expect(rows[0]?.terminated).toBe(true);
    await dead.proxy.refuse();
    const expiredByDeadBefore = expiries.filter((e) => e.replica === dead.name).length;

    await eventually(async () => (await lockHolder())?.replica === survivor.name, EXPIRY_WAIT_MS, `${survivor.name} holding the lock`);
    expect(dead.worker.isLeader()).toBe(false);
    const ids = await placeHolds(survivor, [600n, 700n]);
    await waitUntilExpired(ids);
    await expectExpiredOnceBy(survivor.name, ids);
    expect(expiries.filter((e) => e.replica === dead.name)).toHaveLength(expiredByDeadBefore);
  }, 60_000);
});
