import { randomUUID } from 'node:crypto';
import { startTestIssuer, suiteResource, type TestIssuer } from '@ledger/testing';
import { countEvents, startCommandApp, type CommandAppHarness } from '../testing/command-app.harness';
import { PG_POOL } from '@ledger/platform';
import type { Pool } from 'pg';
import { CommandConfig } from '../command.config';
import { IdempotencyKeysPruner } from './idempotency-keys.pruner';

interface Suite {
  readonly issuer: TestIssuer;
  readonly app: CommandAppHarness;
  readonly token: string;
}

/** Keys are kept for IDEMPOTENCY_RETENTION, then pruned in batches; a pruned key is free again. */
describe('idempotency key retention', () => {
  const suite = suiteResource<Suite>(
    'the issuer and the command app',
    async () => {
      const issuer = await startTestIssuer();
      const app = await startCommandApp({ OIDC_ISSUER: issuer.url, IDEMPOTENCY_RETENTION: '1h' }).catch(async (error: unknown) => {
        await issuer.stop();
        throw error;
      });
      return { issuer, app, token: await issuer.mint({ sub: 'user-ada' }) };
    },
    async ({ issuer, app }) => {
      await app.close();
      await issuer.stop();
    },
  );
  const db = () => suite().app.db;
  const ada = () => suite().app.as(suite().token);
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
    const opened = await ada().post('/accounts', { owner: 'Ada', currency: 'EUR', accountId }, { 'Idempotency-Key': `open-${accountId}` });
    expect(opened.status).toBe(201);
    const old = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const key of [...old, 'young']) {
      const deposited = await ada().post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'Idempotency-Key': key });
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
    expect((await ada().post('/accounts', { owner: 'Ada', currency: 'EUR', accountId })).status).toBe(201);
    const first = await ada().post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'Idempotency-Key': key });
    const reused = await ada().post(`/accounts/${accountId}/deposits`, { amount: 2 }, { 'Idempotency-Key': key });
    await age([key], 2 * 3600);

    await pruner().pruneExpired();
    const again = await ada().post(`/accounts/${accountId}/deposits`, { amount: 2 }, { 'Idempotency-Key': key });

    expect([first.status, reused.status, again.status]).toEqual([201, 422, 201]);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await countEvents(db(), accountId)).toBe(3);
  });
});
