import { randomUUID } from 'node:crypto';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { DEFAULT_RETRY_AFTER_SECONDS, loadConfig } from '@ledger/platform';
import {
  createTestDatabase,
  eventually,
  mintToken,
  startHttpApp,
  TcpProxy,
  testIssuerUrl,
  testPool,
  type RunningHttpApp,
  type TestDatabase,
} from '@ledger/testing';
import type { Pool } from 'pg';
import { AppModule } from '../app.module';
import { CommandConfig } from '../command.config';
import { countEvents } from '../testing/command-app.harness';

describe('the command service when its database refuses connections', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let app: RunningHttpApp;
  let db: Pool;
  let authorization: string;

  beforeAll(async () => {
    authorization = `Bearer ${await mintToken({ sub: 'ada' })}`;
    database = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    proxy = await TcpProxy.inFrontOf(database.url);
    const config = loadConfig(CommandConfig, {
      DATABASE_URL: proxy.rewrite(database.url),
      LOG_LEVEL: 'silent',
      DATABASE_POOL_SIZE: '2',
      OIDC_ISSUER: testIssuerUrl(),
    });
    app = await startHttpApp(AppModule.register(config));
    db = testPool(database.url, 1);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await proxy.stop();
    await db.end();
    await database.drop();
  });

  const deposit = (accountId: string) =>
    fetch(`${app.url}/accounts/${accountId}/deposits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `deposit-${accountId}`, authorization },
      body: JSON.stringify({ amount: 25 }),
    });

  it('answers 503 with Retry-After, reports not ready, and accepts the retried command once the database is back', async () => {
    const accountId = randomUUID();
    const opened = await fetch(`${app.url}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ accountId, owner: 'Ada', currency: 'EUR', initialDeposit: 100 }),
    });
    expect(opened.status).toBe(201);

    await proxy.refuse();
    try {
      const refused = await deposit(accountId);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
      expect(await refused.json()).toMatchObject({ type: 'https://ledger.example.com/problems/unavailable', status: 503 });
      const ready = await fetch(`${app.url}/health/ready`);
      expect(ready.status).toBe(503);
      const publicBody = await ready.text();
      expect(JSON.parse(publicBody)).toMatchObject({ details: { postgres: { status: 'down' } } });
      // The reason is for operators (logs, management port): the public body names the dependency only.
      const detailed = (await (await fetch(`${app.managementUrl}/health/ready`)).json()) as {
        dependencies: Record<string, { status: string; message?: string }>;
      };
      const reason = detailed.dependencies['postgres']?.message;
      expect(reason).toEqual(expect.stringMatching(/\S/));
      expect(publicBody).not.toContain(reason);
      expect(publicBody).not.toMatch(/message/);
    } finally {
      await proxy.restore();
    }

    let retried: Response | undefined;
    await eventually(async () => {
      retried = await deposit(accountId);
      return retried.status !== 503;
    }, 15_000);
    expect(retried?.status).toBe(201);
    expect(await countEvents(db, accountId)).toBe(2);
  });
});
