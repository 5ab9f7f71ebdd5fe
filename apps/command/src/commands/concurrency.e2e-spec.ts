import { randomUUID } from 'node:crypto';
import { CommandAppHarness, countEvents, startTwoReplicas, TwoReplicas, versionsOf } from '../testing/command-app.harness';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe('concurrent commands over HTTP against the real event store', () => {
  let replicas: TwoReplicas;
  let app: CommandAppHarness;
  let replica: CommandAppHarness;

  beforeAll(async () => {
    replicas = await startTwoReplicas();
    ({ app, replica } = replicas);
  }, 60_000);

  afterAll(() => replicas.close());

  /** Proof the two replicas really raced: optimistic concurrency refused some appends. */
  async function conflictsSeen(): Promise<number> {
    const metrics = await Promise.all([app, replica].map((r) => fetch(`${r.baseUrl}/metrics`).then((res) => res.text())));
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

  it('given two replicas racing in Postgres, when 200 withdrawals of 1 split between them, then no update is lost', async () => {
    const accountId = await open(100);

    const results = await Promise.all(
      range(200).map((i) => (i % 2 ? app : replica).post(`/accounts/${accountId}/withdrawals`, { amount: 1 })),
    );

    // Across replicas a command may exhaust its retries (409 concurrency-conflict, safe to retry);
    // what must never happen is a lost or doubled withdrawal.
    const succeeded = results.filter((r) => r.status === 201).length;
    const types = results.filter((r) => r.status === 409).map((r) => String(r.body['type']).split('/').pop());
    expect(succeeded + types.length).toBe(200);
    expect(types.every((t) => t === 'insufficient-funds' || t === 'concurrency-conflict')).toBe(true);
    if (!types.includes('concurrency-conflict')) expect(succeeded).toBe(100);
    expect(await versionsOf(app.db, accountId)).toEqual(range(1 + succeeded));
    const last = results.filter((r) => r.status === 201).map((r) => Number(r.body['balance']));
    expect(Math.min(...last)).toBe(100 - succeeded);
    expect(await conflictsSeen()).toBeGreaterThan(0);
  }, 60_000);

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
