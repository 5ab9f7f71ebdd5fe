import { randomUUID } from 'node:crypto';
import { PG_POOL } from '@ledger/platform';
import type { Pool } from 'pg';
import { CommandConfig } from '../command.config';
import { countEvents } from '../testing/command-app.harness';
import { commandAppWithIssuerSuite } from '../testing/command-app-with-issuer.suite';
import { IdempotencyKeysPruner } from './idempotency-keys.pruner';

/** Keys are kept for IDEMPOTENCY_RETENTION, then pruned in batches; a pruned key is free again. */
describe('idempotency key retention', () => {
  const suite = commandAppWithIssuerSuite({ IDEMPOTENCY_RETENTION: '1h' });
  const db = () => suite().app.db;
  const ada = () => suite().as('user-ada');
  const keys = async (): Promise<string[]> =>
    (await db().query<{ key: string }>('SELECT key FROM event_store.idempotency_keys ORDER BY key')).rows.map((r) => r.key);
  const age = (keys: string[], seconds: number) =>
    db().query(`UPDATE event_store.idempotency_keys SET created_at = now() - make_interval(secs => $2) WHERE key = ANY($1)`, [
      keys,
      seconds,
    ]);
  /** A pruner on the app's database at a pace a test can watch: batches of two. */
  const pruner = () => {
    const { nest } = suite().app;
    return new IdempotencyKeysPruner(nest.get(CommandConfig), nest.get<Pool>(PG_POOL), { batchSize: 2, pauseMs: 1 });
  };

  it('given keys past the retention, when the pruner runs, then it deletes them in batches and keeps the younger ones', async () => {
    await db().query('TRUNCATE event_store.idempotency_keys');
    const accountId = randomUUID();
    const opened = await (
      await ada()
    ).post('/accounts', { owner: 'Ada', currency: 'EUR', accountId }, { 'Idempotency-Key': `open-${accountId}` });
    expect(opened.status).toBe(201);
    const old = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const key of [...old, 'young']) {
      const deposited = await (await ada()).post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'Idempotency-Key': key });
      expect(deposited.status).toBe(201);
    }
    await age([`open-${accountId}`, ...old], 2 * 3600);

    const round = await pruner().pruneExpired();

    expect(round).toEqual({ deleted: 6, batches: 4 });
    expect(await keys()).toEqual(['young']);
  });

  it('given a pruned key, when a request uses it again, then it is a new command and appends', async () => {
    const accountId = randomUUID();
    const key = `deposit-${accountId}`;
    expect((await (await ada()).post('/accounts', { owner: 'Ada', currency: 'EUR', accountId })).status).toBe(201);
    const first = await (await ada()).post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'Idempotency-Key': key });
    const reused = await (await ada()).post(`/accounts/${accountId}/deposits`, { amount: 2 }, { 'Idempotency-Key': key });
    await age([key], 2 * 3600);

    await pruner().pruneExpired();
    const again = await (await ada()).post(`/accounts/${accountId}/deposits`, { amount: 2 }, { 'Idempotency-Key': key });

    expect([first.status, reused.status, again.status]).toEqual([201, 422, 201]);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await countEvents(db(), accountId)).toBe(3);
  });
});
