import { TransferLedger } from '@ledger/read-model-projection/testing';
import type { Message } from 'kafkajs';
import { startProjector, type InProcessProjector } from '../testing/projector-harness';
import { projectorTestEnv, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

describe('projector with transfers (real Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  let topic: string;
  let projector: InProcessProjector;
  const groupId = () => `transfers-${topic}`;

  const ledger = new TransferLedger();
  const from = ledger.open(1_000n);
  const to = ledger.open(50n);
  const immediate = ledger.transfer(from.accountId, to.accountId, 200n);
  const hold = ledger.hold(from.accountId, to.accountId, 300n);
  const posted = ledger.post(hold.transferId, 120n);
  const voidedHold = ledger.hold(to.accountId, from.accountId, 40n);
  const voided = ledger.release(voidedHold.transferId, 'VOIDED');

  /** In commit order, as the relay publishes them; the key spreads each stream over the partitions. */
  const messages: Message[] = [
    from.message,
    to.message,
    immediate.debit,
    immediate.credit,
    immediate.transfer,
    hold.placed,
    hold.transfer,
    posted.posted,
    posted.credit,
    posted.transfer,
    voidedHold.placed,
    voidedHold.transfer,
    voided.released,
    voided.transfer,
  ];

  beforeAll(async () => {
    env = await projectorTestEnv();
    topic = await env.createTopic('projector-transfers', 3);
    await env.produce(topic, messages);
    projector = await startProjector({ databaseUrl: env.db.url, brokers: env.brokers, topic, groupId: groupId() });
    await waitForGroupAtEnd(env, groupId(), topic, 60_000);
  }, 90_000);

  afterAll(async () => {
    await projector?.close();
    await env.dispose();
  }, 60_000);

  it("given a transfer's three streams on their own partitions, then every account, leg and transfer state lands, and nothing is dead-lettered", async () => {
    const accounts = await env.pool.query(
      `SELECT account_id::text, balance::text, reserved::text, version::int FROM read_model.accounts ORDER BY balance`,
    );
    expect(accounts.rows).toEqual([
      { account_id: to.accountId, balance: '370', reserved: '0', version: 5 },
      { account_id: from.accountId, balance: '680', reserved: '0', version: 4 },
    ]);
    expect(accounts.rows.map((row) => [row.balance, row.version])).toEqual(
      [to.accountId, from.accountId].map((id) => [ledger.balanceOf(id).balance.toString(), ledger.balanceOf(id).version]),
    );
    const states = await env.pool.query(
      `SELECT transfer_id::text, version::int, status, posted_amount::text FROM read_model.transfer_states ORDER BY transfer_id, version`,
    );
    expect(states.rows).toEqual(
      [
        { transfer_id: immediate.transferId, version: 1, status: 'completed', posted_amount: '200' },
        { transfer_id: hold.transferId, version: 1, status: 'pending', posted_amount: '0' },
        { transfer_id: hold.transferId, version: 2, status: 'posted', posted_amount: '120' },
        { transfer_id: voidedHold.transferId, version: 1, status: 'pending', posted_amount: '0' },
        { transfer_id: voidedHold.transferId, version: 2, status: 'voided', posted_amount: '0' },
      ].sort((a, b) => a.transfer_id.localeCompare(b.transfer_id) || a.version - b.version),
    );
    const legs = await env.pool.query(`SELECT transfer_id::text, leg FROM read_model.transfer_legs ORDER BY transfer_id, leg`);
    expect(legs.rows).toHaveLength(7);
    const transfers = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.transfers`);
    expect(transfers.rows[0].n).toBe(3);
    const deadLetters = await env.pool.query(`SELECT count(*)::int AS n FROM read_model.dead_letters`);
    expect(deadLetters.rows[0].n).toBe(0);
  });
});
