import { randomUUID } from 'node:crypto';
import {
  countEvents,
  startTwoReplicas,
  twoReplicasSuite,
  TwoReplicas,
  untilNotConflicted,
  versionsOf,
} from '../testing/command-app.harness';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe('concurrent commands over HTTP against the real event store', () => {
  // 200 commands at once on one account: more than the default queue limit lets wait, and this suite is about ordering, not shedding.
  const { app, replica } = twoReplicasSuite({ COMMAND_ACCOUNT_QUEUE_LIMIT: '1000' });

  /** Proof the two replicas really raced: optimistic concurrency refused some appends. */
  async function conflictsSeen(pair: TwoReplicas): Promise<number> {
    const metrics = await Promise.all([pair.app, pair.replica].map((r) => fetch(`${r.managementUrl}/metrics`).then((res) => res.text())));
    return metrics
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.startsWith('ledger_command_conflicts_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  async function open(initialDeposit: number): Promise<string> {
    const accountId = randomUUID();
    const opened = await app.post('/accounts', { owner: 'Concurrent', currency: 'EUR', initialDeposit, accountId });
    expect(opened.status).toBe(201);
    return accountId;
  }

  it('given 100 in the account, when 200 withdrawals of 1 race, then exactly 100 succeed and the rest are insufficient funds', async () => {
    const accountId = await open(100);

    const results = await Promise.all(range(200).map(() => app.post(`/accounts/${accountId}/withdrawals`, { amount: 1 })));

    const succeeded = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(succeeded).toHaveLength(100);
    expect(refused).toHaveLength(100);
    expect(new Set(refused.map((r) => r.body['type']))).toEqual(new Set([expect.stringMatching(/insufficient-funds$/)]));
    expect(succeeded.map((r) => r.body['balance']).sort((a, b) => Number(a) - Number(b))).toEqual(range(100, 0));
    expect(await versionsOf(app.db, accountId)).toEqual(range(101));
    const { rows } = await app.db.query(
      `SELECT sum((data->>'amount')::bigint) AS withdrawn FROM event_store.events WHERE stream_id = $1 AND type = 'MoneyWithdrawn'`,
      [accountId],
    );
    expect(rows[0].withdrawn).toBe('100');
  }, 60_000);

  it('given two replicas without the per-account queue, when 80 withdrawals of 1 race on 40 (clients retrying a concurrency conflict), then exactly 40 succeed and nothing is lost or doubled', async () => {
    const racing = await startTwoReplicas({ COMMAND_ACCOUNT_QUEUE: 'off' });
    try {
      const accountId = randomUUID();
      expect((await racing.app.post('/accounts', { owner: 'Race', currency: 'EUR', initialDeposit: 40, accountId })).status).toBe(201);

      // Every request on one account at once, through both replicas: each round only one append can win.
      const results = await Promise.all(
        range(80).map((i) =>
          untilNotConflicted(() => (i % 2 ? racing.app : racing.replica).post(`/accounts/${accountId}/withdrawals`, { amount: 1 })),
        ),
      );

      // Every run, whatever the interleaving: exactly the money there was moved, once each.
      const succeeded = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 409);
      expect(succeeded).toHaveLength(40);
      expect(refused).toHaveLength(40);
      expect(new Set(refused.map((r) => r.body['type']))).toEqual(new Set(['https://ledger.example.com/problems/insufficient-funds']));
      expect(succeeded.map((r) => Number(r.body['balance'])).sort((a, b) => a - b)).toEqual(range(40, 0));
      expect(succeeded.map((r) => Number(r.body['version'])).sort((a, b) => a - b)).toEqual(range(40, 2));
      expect(await versionsOf(racing.app.db, accountId)).toEqual(range(41));
      const { rows } = await racing.app.db.query<{ event_id: string; version: string; amount: string; balance_after: string }>(
        `SELECT event_id, version, data->>'amount' AS amount, data->>'balanceAfter' AS balance_after
           FROM event_store.events WHERE stream_id = $1 AND type = 'MoneyWithdrawn' ORDER BY version`,
        [accountId],
      );
      expect(rows.map((r) => r.amount)).toEqual(range(40).map(() => '1'));
      expect(rows.map((r) => Number(r.balance_after))).toEqual(range(40, 0).reverse());
      // Each 201 names the one event row it appended.
      const stored = new Map(rows.map((r) => [r.event_id, Number(r.version)]));
      for (const r of succeeded) {
        const [event] = r.body['events'] as { eventId: string; version: number }[];
        expect(stored.get(event?.eventId ?? '')).toBe(r.body['version']);
      }
      // The replicas really raced: optimistic concurrency refused appends.
      expect(await conflictsSeen(racing)).toBeGreaterThan(0);
    } finally {
      await racing.close();
    }
  }, 240_000);

  it('given many accounts, when withdrawals race on all of them at once, then each ends consistent', async () => {
    const accounts = await Promise.all(range(20).map(() => open(10)));

    const results = await Promise.all(
      accounts.flatMap((accountId) =>
        range(15).map((i) => (i % 2 ? app : replica).post(`/accounts/${accountId}/withdrawals`, { amount: 1 })),
      ),
    );

    expect(results.filter((r) => r.status === 201)).toHaveLength(20 * 10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(20 * 5);
    for (const accountId of accounts) {
      expect(await versionsOf(app.db, accountId)).toEqual(range(11));
    }
  }, 60_000);

  it('given one Idempotency-Key, when 50 identical deposits race, then one event is appended and all 50 responses are identical', async () => {
    const accountId = await open(0);
    const key = `deposit-${randomUUID()}`;

    const results = await Promise.all(
      range(50).map((i) => (i % 2 ? app : replica).post(`/accounts/${accountId}/deposits`, { amount: 25 }, { 'Idempotency-Key': key })),
    );

    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(new Set(results.map((r) => r.headers.get('etag')))).toEqual(new Set(['"2"']));
    expect(results[0]?.body['balance']).toBe(25);
    expect(await countEvents(app.db, accountId)).toBe(2);
  }, 60_000);

  it('given a used Idempotency-Key, when it comes back with another body, then 422 and nothing is appended', async () => {
    const accountId = await open(0);
    const key = `reuse-${randomUUID()}`;
    expect((await app.post(`/accounts/${accountId}/deposits`, { amount: 5 }, { 'Idempotency-Key': key })).status).toBe(201);

    const reused = await app.post(`/accounts/${accountId}/deposits`, { amount: 6 }, { 'Idempotency-Key': key });

    expect(reused.status).toBe(422);
    expect(reused.body['type']).toMatch(/idempotency-key-reused$/);
    expect(await countEvents(app.db, accountId)).toBe(2);
  }, 30_000);

  it('given If-Match with a stale version, when depositing, then 412 and nothing is appended; with the current one, 201', async () => {
    const accountId = await open(0);

    const stale = await app.post(`/accounts/${accountId}/deposits`, { amount: 5 }, { 'If-Match': '"7"' });
    const current = await app.post(`/accounts/${accountId}/deposits`, { amount: 5 }, { 'If-Match': '"1"' });

    expect(stale.status).toBe(412);
    expect(stale.body['currentVersion']).toBe(1);
    expect(current.status).toBe(201);
    expect(current.headers.get('etag')).toBe('"2"');
    expect(await countEvents(app.db, accountId)).toBe(2);
  }, 30_000);
});
