import { decodeChangedTransfers, READ_MODEL_CHANGED_CHANNEL } from '@ledger/read-model-schema';
import { eventually } from '@ledger/testing';
import type { PoolClient } from 'pg';
import { deadLettersOf, parkedRow, poisonFor, projectionSuite, TransferLedger } from '../../testing/projection.fixture';
import { closeTransferGap } from '../parking/parked-replay';
import { ACCOUNTS_PROJECTION } from './projection.writer';

/** Transfers through the real projection writer against PostgreSQL: each stream applied on its own. */
describe('projection of transfers (real Postgres)', () => {
  const env = projectionSuite({ poolSize: 4 });

  async function account(accountId: string) {
    const { rows } = await env.pool.query(
      `SELECT balance::text, reserved::text, version::int, total_deposited::text, total_withdrawn::text, transaction_count::int
         FROM read_model.accounts WHERE account_id = $1`,
      [accountId],
    );
    return rows[0];
  }

  async function history(accountId: string) {
    const { rows } = await env.pool.query(
      `SELECT version::int, type, amount::text, balance_after::text, reserved_after::text, transfer_id::text, counterparty_account_id::text
         FROM read_model.account_transactions WHERE account_id = $1 ORDER BY version`,
      [accountId],
    );
    return rows;
  }

  async function transfer(transferId: string) {
    const { rows } = await env.pool.query(
      `SELECT from_account_id::text, to_account_id::text, amount::text, currency, reference, expires_at IS NOT NULL AS expires, version::int
         FROM read_model.transfers WHERE transfer_id = $1`,
      [transferId],
    );
    return rows[0];
  }

  async function states(transferId: string) {
    const { rows } = await env.pool.query(
      `SELECT version::int, status, posted_amount::text FROM read_model.transfer_states WHERE transfer_id = $1 ORDER BY version`,
      [transferId],
    );
    return rows;
  }

  async function legs(transferId: string) {
    const { rows } = await env.pool.query(
      `SELECT leg, account_id::text, account_version::int FROM read_model.transfer_legs WHERE transfer_id = $1 ORDER BY account_version, leg`,
      [transferId],
    );
    return rows;
  }

  async function opened(ledger: TransferLedger, deposits: readonly bigint[]): Promise<string[]> {
    const accounts = deposits.map((deposit) => ledger.open(deposit));
    await env.projector.deliver(accounts.map((a) => a.message));
    return accounts.map((a) => a.accountId);
  }

  it('given an immediate transfer, then both accounts move, both legs and the transfer with its state are in, and it is announced', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [1_000n, 0n])) as [string, string];
    const listener: PoolClient = await env.pool.connect();
    const heard: string[] = [];
    try {
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query(`LISTEN ${READ_MODEL_CHANGED_CHANNEL}`);
      const moved = ledger.transfer(from, to, 300n);

      const outcome = await env.projector.deliver([moved.debit, moved.credit, moved.transfer]);

      expect(outcome).toMatchObject({ applied: 3, duplicates: 0, deadLettered: 0, transfersChanged: [moved.transferId] });
      expect(await account(from)).toMatchObject({ balance: '700', reserved: '0', version: 2, total_withdrawn: '0', transaction_count: 2 });
      expect(await account(to)).toMatchObject({ balance: '300', version: 2, total_deposited: '0', transaction_count: 1 });
      expect((await history(from))[1]).toEqual({
        version: 2,
        type: 'TransferDebited',
        amount: '300',
        balance_after: '700',
        reserved_after: '0',
        transfer_id: moved.transferId,
        counterparty_account_id: to,
      });
      expect(await transfer(moved.transferId)).toEqual({
        from_account_id: from,
        to_account_id: to,
        amount: '300',
        currency: 'EUR',
        reference: 'rent',
        expires: false,
        version: 1,
      });
      expect(await states(moved.transferId)).toEqual([{ version: 1, status: 'completed', posted_amount: '300' }]);
      expect(await legs(moved.transferId)).toEqual([
        { leg: 'TransferCredited', account_id: to, account_version: 2 },
        { leg: 'TransferDebited', account_id: from, account_version: 2 },
      ]);
      await eventually(
        () => heard.some((payload) => decodeChangedTransfers(payload).includes(moved.transferId)),
        10_000,
        'the transfer announced',
        () => heard,
      );
    } finally {
      await listener.query(`UNLISTEN ${READ_MODEL_CHANGED_CHANNEL}`);
      listener.release();
    }
  });

  it('given legs that arrive before their transfer stream, and a transfer stream before its legs, then each ends the same', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [500n, 100n])) as [string, string];
    const legsFirst = ledger.transfer(from, to, 100n);
    const streamFirst = ledger.transfer(to, from, 50n);

    await env.projector.deliver([legsFirst.debit, legsFirst.credit, streamFirst.transfer]);
    expect(await legs(legsFirst.transferId)).toHaveLength(2);
    expect(await transfer(legsFirst.transferId)).toBeUndefined();
    expect(await states(streamFirst.transferId)).toEqual([{ version: 1, status: 'completed', posted_amount: '50' }]);
    expect(await legs(streamFirst.transferId)).toEqual([]);

    await env.projector.deliver([legsFirst.transfer, streamFirst.debit, streamFirst.credit]);
    expect(await states(legsFirst.transferId)).toEqual([{ version: 1, status: 'completed', posted_amount: '100' }]);
    expect((await legs(streamFirst.transferId)).map((l) => l.leg)).toEqual(['TransferCredited', 'TransferDebited']);
    expect(await account(from)).toMatchObject({ balance: '450', version: 3 });
    expect(await account(to)).toMatchObject({ balance: '150', version: 3 });
  });

  it('given the same transfer delivered again, then nothing changes and every message is a duplicate', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [200n, 0n])) as [string, string];
    const moved = ledger.transfer(from, to, 80n);
    const messages = [moved.debit, moved.credit, moved.transfer];
    await env.projector.deliver(messages);
    const processed = `SELECT count(*)::int AS n FROM read_model.processed_events WHERE projection = $1`;
    const before = (await env.pool.query(processed, [ACCOUNTS_PROJECTION])).rows[0].n;

    const again = await env.projector.deliver([...messages, ...messages]);

    expect(again).toMatchObject({ applied: 0, duplicates: 6, deadLettered: 0 });
    expect(await account(from)).toMatchObject({ balance: '120', version: 2 });
    expect(await history(to)).toHaveLength(2);
    expect(await states(moved.transferId)).toHaveLength(1);
    expect(await legs(moved.transferId)).toHaveLength(2);
    expect((await env.pool.query(processed, [ACCOUNTS_PROJECTION])).rows[0].n).toBe(before);
  });

  it('given a transfer stream whose later version arrives first, then it parks at the gap and is re-driven once the missing version comes', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [300n, 0n])) as [string, string];
    const hold = ledger.hold(from, to, 100n);
    const released = ledger.release(hold.transferId, 'EXPIRED');

    const first = await env.projector.deliver([released.transfer, hold.placed, released.released]);
    expect(first).toMatchObject({ parkedTransfers: [hold.transferId], transferGapsClosed: [] });
    const second = await env.projector.deliver([hold.transfer]);
    expect(second).toMatchObject({ held: 1, transferGapsClosed: [hold.transferId] });

    const outcome = await closeTransferGap(env.pool, env.projector.writer, hold.transferId);

    expect(outcome).toMatchObject({ kind: 'redriven', transferId: hold.transferId, version: 2, parkedBehind: null });
    expect(await states(hold.transferId)).toEqual([
      { version: 1, status: 'pending', posted_amount: '0' },
      { version: 2, status: 'expired', posted_amount: '0' },
    ]);
    const parked = await env.pool.query(`SELECT 1 FROM read_model.parked_transfers WHERE transfer_id = $1`, [hold.transferId]);
    expect(parked.rows).toEqual([]);
    expect(await account(from)).toMatchObject({ balance: '300', reserved: '0', version: 3 });
  });

  it('given a hold placed then posted in part, then reserved comes back, the posted part moves, and each state keeps its row', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [1_000n, 10n])) as [string, string];
    const hold = ledger.hold(from, to, 400n);
    await env.projector.deliver([hold.placed, hold.transfer]);
    expect(await account(from)).toMatchObject({ balance: '1000', reserved: '400', transaction_count: 1 });
    expect(await transfer(hold.transferId)).toMatchObject({ expires: true, version: 1 });

    const posted = ledger.post(hold.transferId, 250n);
    await env.projector.deliver([posted.transfer, posted.credit, posted.posted]);

    expect(await account(from)).toMatchObject({ balance: '750', reserved: '0', version: 3, transaction_count: 2, total_withdrawn: '0' });
    expect(await account(to)).toMatchObject({ balance: '260', reserved: '0', version: 2 });
    expect((await history(from)).map((h) => [h.type, h.amount, h.balance_after, h.reserved_after])).toEqual([
      ['AccountOpened', '1000', '1000', '0'],
      ['HoldPlaced', '400', '1000', '400'],
      ['HoldPosted', '250', '750', '0'],
    ]);
    expect(await states(hold.transferId)).toEqual([
      { version: 1, status: 'pending', posted_amount: '0' },
      { version: 2, status: 'posted', posted_amount: '250' },
    ]);
    expect((await legs(hold.transferId)).map((l) => l.leg).sort()).toEqual(['HoldPlaced', 'HoldPosted', 'TransferCredited']);
    expect(await transfer(hold.transferId)).toMatchObject({ version: 2 });
  });

  it('given poison on a transfer stream, then that transfer alone is parked with its later events held, and the accounts flow', async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [1_000n, 0n])) as [string, string];
    const hold = ledger.hold(from, to, 100n);
    await env.projector.deliver([hold.placed, hold.transfer]);
    const poison = ledger.transferPoison(hold.transferId);
    const released = ledger.release(hold.transferId);

    const outcome = await env.projector.deliver([poison, released.released, released.transfer]);

    expect(outcome).toMatchObject({ applied: 1, deadLettered: 1, held: 1, parked: [], parkedTransfers: [hold.transferId] });
    const parked = await env.pool.query(`SELECT reason FROM read_model.parked_transfers WHERE transfer_id = $1`, [hold.transferId]);
    expect(parked.rows).toEqual([{ reason: expect.stringContaining('TransferRenamed') }]);
    const held = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.parked_transfer_events WHERE transfer_id = $1`, [
      hold.transferId,
    ]);
    expect(held.rows[0].n).toBe(1);
    const deadLetter = await env.pool.query(
      `SELECT account_id, transfer_id::text, version::int FROM read_model.dead_letters WHERE transfer_id = $1`,
      [hold.transferId],
    );
    expect(deadLetter.rows).toEqual([{ account_id: null, transfer_id: hold.transferId, version: 2 }]);
    expect(await parkedRow(env.pool, from)).toBeUndefined();
    expect(await parkedRow(env.pool, hold.transferId)).toBeUndefined();
    expect(await account(from)).toMatchObject({ balance: '1000', reserved: '0', version: 3 });
    expect(await states(hold.transferId)).toEqual([{ version: 1, status: 'pending', posted_amount: '0' }]);
  });

  it("given a parked destination, then the source's debit and the transfer still apply, and only the credit is held", async () => {
    const ledger = new TransferLedger();
    const [from, to] = (await opened(ledger, [600n, 0n])) as [string, string];
    await env.projector.deliver([poisonFor(to)]);
    expect(await parkedRow(env.pool, to)).toBeDefined();
    const moved = ledger.transfer(from, to, 250n);

    const outcome = await env.projector.deliver([moved.debit, moved.credit, moved.transfer]);

    expect(outcome).toMatchObject({ applied: 2, held: 1, deadLettered: 0 });
    expect(await account(from)).toMatchObject({ balance: '350', version: 2 });
    expect(await account(to)).toMatchObject({ balance: '0', version: 1 });
    expect(await legs(moved.transferId)).toEqual([{ leg: 'TransferDebited', account_id: from, account_version: 2 }]);
    expect(await states(moved.transferId)).toEqual([{ version: 1, status: 'completed', posted_amount: '250' }]);
    expect(await deadLettersOf(env.pool, from)).toEqual([]);
  });
});
