import { decodeStoredAccountEvent, encodeEvent, type AccountEvent } from '@ledger/domain';
import { PostgresEventStore, readStreamEvents, type StoredEvent } from '@ledger/event-store';
import { toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { required } from '@ledger/platform';
import { accountSnapshot, eventually, foldAccount, historyVersions } from '@ledger/testing';
import type { Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { heal } from './heal.action';
import {
  deadLettersOf,
  heldOffsets,
  projectionSuite,
  parkedRow,
  parkedRowOf,
  poisonFor,
  type TestProjector,
} from '@ledger/read-model-projection/testing';
import { actionsOn, operatorContext } from '../testing/operations.fixture';

const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 9, 0, second));

/** Opened with 1000, then money in and out, a freeze and an unfreeze: every kind of row the read model keeps. */
function lifeOf(accountId: string): AccountEvent[] {
  return [
    {
      type: 'AccountOpened',
      data: {
        accountId,
        owner: 'Grace',
        ownerId: 'grace-sub',
        currency: 'EUR',
        initialDeposit: 1000n,
        balanceAfter: 1000n,
        openedAt: at(1),
      },
    },
    { type: 'MoneyDeposited', data: { accountId, amount: 500n, balanceAfter: 1500n, depositedAt: at(2) } },
    { type: 'MoneyWithdrawn', data: { accountId, amount: 200n, balanceAfter: 1300n, withdrawnAt: at(3) } },
    { type: 'AccountFrozen', data: { accountId, reason: 'review', frozenAt: at(4) } },
    { type: 'AccountUnfrozen', data: { accountId, unfrozenAt: at(5) } },
    { type: 'MoneyDeposited', data: { accountId, amount: 50n, balanceAfter: 1350n, depositedAt: at(6) } },
    { type: 'MoneyWithdrawn', data: { accountId, amount: 300n, balanceAfter: 1050n, withdrawnAt: at(7) } },
  ];
}

describe('heal against PostgreSQL', () => {
  const env = projectionSuite({ poolSize: 8, eventStore: true });
  let store: PostgresEventStore;

  beforeAll(() => {
    store = new PostgresEventStore(env.pool, { notify: false });
  });

  // As stored: the projection upcasts each event itself, so one it cannot read parks the account
  // instead of failing the whole load.
  const load = (accountId: string) => () => readStreamEvents(env.pool, accountId);

  async function append(accountId: string, events: readonly AccountEvent[], expectedVersion = 0): Promise<StoredEvent[]> {
    const result = await store.append({
      streamId: accountId,
      expectedVersion,
      events: events.map((event, i) => ({
        ...encodeEvent(event),
        eventId: randomUUID(),
        metadata: { correlationId: `heal-${expectedVersion + i + 1}`, causationId: null },
        occurredAt: at(expectedVersion + i + 1),
      })),
    });
    if (result.kind !== 'appended') throw new Error(`append failed: ${result.kind}`);
    return [...result.events];
  }

  const messagesOf = (stored: readonly StoredEvent[], versions: readonly number[]): Message[] =>
    versions.map((v) => toKafkaMessage(toEnvelope(required(stored[v - 1], `stored version ${v}`))));

  /** What the read model must hold: the domain's fold of the store, and the summary summed from its events. */
  async function expectFoldOfStore(accountId: string): Promise<void> {
    const stored = await readStreamEvents(env.pool, accountId);
    const events = stored.map((e) => decodeStoredAccountEvent(e));
    const state = foldAccount(events);
    if (state.status === 'NOT_OPENED') throw new Error('the store has no opened account');
    let deposited = 0n;
    let withdrawn = 0n;
    let movements = 0;
    for (const event of events) {
      const amount = event.type === 'AccountOpened' ? event.data.initialDeposit : 'amount' in event.data ? event.data.amount : null;
      if (amount === null || amount === 0n) continue;
      movements += 1;
      if (event.type === 'MoneyWithdrawn') withdrawn += amount;
      else deposited += amount;
    }
    expect(await accountSnapshot(env.pool, accountId)).toEqual({
      version: stored.length,
      balance: String(state.balance),
      status: state.status,
      total_deposited: String(deposited),
      total_withdrawn: String(withdrawn),
      transaction_count: movements,
    });
    const { rows } = await env.pool.query(
      `SELECT t.version::int, t.event_id::text, t.balance_after::text, t.status_after, a.last_activity_at
         FROM read_model.account_transactions t JOIN read_model.accounts a USING (account_id)
        WHERE t.account_id = $1 ORDER BY t.version`,
      [accountId],
    );
    const after = events.map((_, i) => foldAccount(events.slice(0, i + 1)));
    expect(rows.map((r) => [r.version, r.event_id, r.balance_after, r.status_after])).toEqual(
      stored.map((e, i) => {
        const state = required(after[i], `the state after version ${e.version}`);
        return [e.version, e.eventId, state.status === 'NOT_OPENED' ? null : String(state.balance), state.status];
      }),
    );
    expect(rows[rows.length - 1].last_activity_at).toEqual(required(stored.at(-1), 'a stored event').occurredAt);
    const opening = required(events[0], 'the opening');
    const owner = await env.pool.query(`SELECT owner_id FROM read_model.accounts WHERE account_id = $1`, [accountId]);
    expect(owner.rows).toEqual([{ owner_id: opening.type === 'AccountOpened' ? opening.data.ownerId : 'not an opening' }]);
  }

  it('given an account parked by a gap, then heal restores it from the event store, discards what was held and unparks it', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId));
    await env.projector.deliver(messagesOf(stored, [1, 2, 3]));
    await env.projector.deliver(messagesOf(stored, [5, 6, 7]));
    const parked = await parkedRowOf(env.pool, accountId);
    expect(await heldOffsets(env.pool, accountId)).toHaveLength(2);

    const outcome = await heal(operatorContext(env.pool), accountId, load(accountId));

    expect(outcome).toEqual({
      kind: 'healed',
      accountId,
      events: 7,
      wasParked: true,
      discarded: 2,
      deadLettersHealed: [parked.dead_letter_id],
      applied: 7,
      duplicates: 0,
      held: 0,
      version: 7,
      parkedBehind: null,
    });
    await expectFoldOfStore(accountId);
    expect(await accountSnapshot(env.pool, accountId)).toMatchObject({
      balance: '1050',
      total_deposited: '1550',
      total_withdrawn: '500',
      transaction_count: 5,
    });
    expect(await parkedRow(env.pool, accountId)).toBeUndefined();
    expect(await heldOffsets(env.pool, accountId)).toEqual([]);
    expect(await deadLettersOf(env.pool, accountId)).toEqual([expect.objectContaining({ status: 'healed' })]);
    expect(await actionsOn(env.pool, accountId)).toEqual([
      expect.objectContaining({ action: 'heal', outcome: 'healed', performed_by: 'ops-test' }),
    ]);

    // The projector carries on: a replay is all duplicates, the next event applies.
    const next = await append(
      accountId,
      [{ type: 'MoneyDeposited', data: { accountId, amount: 1n, balanceAfter: 1051n, depositedAt: at(8) } }],
      7,
    );
    expect(await env.projector.deliver([...messagesOf(stored, [1, 2, 3, 4, 5, 6, 7]), ...messagesOf(next, [1])])).toMatchObject({
      applied: 1,
      duplicates: 7,
      held: 0,
    });
    await expectFoldOfStore(accountId);
  });

  it('given a healed account, then healing it again yields the same rows', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId));
    await env.projector.deliver([...messagesOf(stored, [1, 2]), poisonFor(accountId), ...messagesOf(stored, [3])]);
    await heal(operatorContext(env.pool), accountId, load(accountId));
    const rows = await env.pool.query(`SELECT * FROM read_model.account_transactions WHERE account_id = $1 ORDER BY version`, [accountId]);

    const again = await heal(operatorContext(env.pool), accountId, load(accountId));

    expect(again).toMatchObject({ kind: 'healed', wasParked: false, discarded: 0, deadLettersHealed: [], version: 7 });
    expect(
      (await env.pool.query(`SELECT * FROM read_model.account_transactions WHERE account_id = $1 ORDER BY version`, [accountId])).rows,
    ).toEqual(rows.rows);
    await expectFoldOfStore(accountId);
    expect((await actionsOn(env.pool, accountId)).map((a) => a.outcome)).toEqual(['healed', 'healed']);
  });

  it('given a read model that drifted from the store, then heal puts it back', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId));
    await env.projector.deliver(messagesOf(stored, [1, 2, 3, 4, 5, 6, 7]));
    await env.pool.query(`UPDATE read_model.accounts SET balance = 1, total_deposited = 99 WHERE account_id = $1`, [accountId]);
    await env.pool.query(`DELETE FROM read_model.account_transactions WHERE account_id = $1 AND version = 4`, [accountId]);

    expect(await heal(operatorContext(env.pool), accountId, load(accountId))).toMatchObject({
      kind: 'healed',
      wasParked: false,
      version: 7,
    });

    await expectFoldOfStore(accountId);
  });

  it('given an account opened in event schema v1, then heal reads it through the projection upcasting it', async () => {
    const accountId = randomUUID();
    const opened = await store.append({
      streamId: accountId,
      expectedVersion: 0,
      events: [
        {
          eventId: randomUUID(),
          type: 'AccountOpened',
          schemaVersion: 1,
          data: { accountId, ownerName: 'Ada', currency: 'GBP', balance: '700' },
          metadata: { correlationId: 'v1', causationId: null },
          occurredAt: at(1),
        },
      ],
    });
    expect(opened.kind).toBe('appended');
    await append(accountId, [{ type: 'MoneyWithdrawn', data: { accountId, amount: 100n, balanceAfter: 600n, withdrawnAt: at(2) } }], 1);

    expect(await heal(operatorContext(env.pool), accountId, load(accountId))).toMatchObject({ kind: 'healed', version: 2 });

    await expectFoldOfStore(accountId);
    expect(await accountSnapshot(env.pool, accountId)).toMatchObject({ balance: '600', total_deposited: '700', total_withdrawn: '100' });
  });

  it('given a projector batch arriving while heal holds the account, then it waits and lands on the healed version', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId));
    await env.projector.deliver(messagesOf(stored, [1, 2, 3]));
    await env.projector.deliver(messagesOf(stored, [5]));
    let batch: ReturnType<TestProjector['deliver']> | undefined;
    let late: StoredEvent[] = [];

    const outcome = await heal(operatorContext(env.pool), accountId, async () => {
      const events = await load(accountId)();
      // An event committed after the load, whose batch reaches the read model while heal still holds it.
      late = await append(
        accountId,
        [{ type: 'MoneyDeposited', data: { accountId, amount: 5n, balanceAfter: 1055n, depositedAt: at(8) } }],
        7,
      );
      batch = env.projector.deliver(messagesOf(stored, [6, 7]).concat(messagesOf(late, [1])));
      await waitForLockWaiters(env.pool, 1);
      return events;
    });

    expect(outcome).toMatchObject({ kind: 'healed', version: 7 });
    expect(await batch).toMatchObject({ applied: 1, duplicates: 2, held: 0, deadLettered: 0 });
    await expectFoldOfStore(accountId);
    expect(await accountSnapshot(env.pool, accountId)).toMatchObject({ version: 8, balance: '1055' });
    expect(await parkedRow(env.pool, accountId)).toBeUndefined();
  });

  it('given a store event this code cannot read, then heal applies up to it and parks the account behind it', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId).slice(0, 2));
    await store.append({
      streamId: accountId,
      expectedVersion: 2,
      events: [
        {
          eventId: randomUUID(),
          type: 'AccountRenamed',
          schemaVersion: 1,
          data: { accountId },
          metadata: { correlationId: 'x', causationId: null },
          occurredAt: at(3),
        },
      ],
    });
    await append(accountId, [{ type: 'MoneyDeposited', data: { accountId, amount: 1n, balanceAfter: 1501n, depositedAt: at(4) } }], 3);
    await env.projector.deliver(messagesOf(stored, [1, 2]));

    const outcome = await heal(operatorContext(env.pool), accountId, load(accountId));

    expect(outcome).toMatchObject({ kind: 'parked', events: 4, applied: 2, held: 1, version: 2 });
    const parked = await parkedRowOf(env.pool, accountId);
    expect(parked.reason).toMatch(/AccountRenamed/);
    expect(await heldOffsets(env.pool, accountId)).toHaveLength(1);
    expect(await deadLettersOf(env.pool, accountId)).toEqual([
      expect.objectContaining({ id: parked.dead_letter_id, status: 'open', version: 3 }),
    ]);
    expect(await actionsOn(env.pool, accountId)).toEqual([expect.objectContaining({ action: 'heal', outcome: 'parked' })]);
  });

  it('given an account neither side knows, then nothing changes and the no-op is logged', async () => {
    const accountId = randomUUID();
    expect(await heal(operatorContext(env.pool), accountId, load(accountId))).toEqual({ kind: 'unknown-account', accountId });
    expect(await accountSnapshot(env.pool, accountId)).toBeUndefined();
    expect(await actionsOn(env.pool, accountId)).toEqual([expect.objectContaining({ action: 'heal', outcome: 'unknown-account' })]);
  });

  it('given an event store that cannot be read, then nothing changes and the failure is logged', async () => {
    const accountId = randomUUID();
    const stored = await append(accountId, lifeOf(accountId));
    await env.projector.deliver(messagesOf(stored, [1, 2, 4]));
    const parked = await parkedRow(env.pool, accountId);

    await expect(
      heal(operatorContext(env.pool), accountId, async () => {
        throw new Error('event store unreachable');
      }),
    ).rejects.toThrow('event store unreachable');

    expect(await parkedRow(env.pool, accountId)).toEqual(parked);
    expect(await historyVersions(env.pool, accountId)).toEqual([1, 2]);
    expect(await deadLettersOf(env.pool, accountId)).toEqual([expect.objectContaining({ status: 'open' })]);
    expect(await actionsOn(env.pool, accountId)).toEqual([
      expect.objectContaining({ action: 'heal', outcome: 'failed', detail: { error: 'event store unreachable' } }),
    ]);
  });
});

/** Until `count` backends wait on a lock: the batch is queued behind the action's row locks. */
async function waitForLockWaiters(pool: Pool, count: number): Promise<void> {
  let waiting = 0;
  await eventually(
    async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      waiting = rows[0].n;
      return waiting >= count;
    },
    20_000,
    `${count} backends waiting on a lock`,
    () => waiting,
  );
}
