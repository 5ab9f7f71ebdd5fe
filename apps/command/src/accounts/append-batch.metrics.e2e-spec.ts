import { randomUUID } from 'node:crypto';
import { commandAppSuite, type CommandAppHarness } from '../testing/command-app.harness';

async function metric(harness: CommandAppHarness, name: string): Promise<number> {
  const text = await (await fetch(`${harness.managementUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop() ?? 'NaN');
}

describe('group commit metrics', () => {
  const app = commandAppSuite();

  it('given deposits to many accounts at once, when scraped, then every append is counted once and batches carried them all', async () => {
    const accounts = Array.from({ length: 24 }, () => randomUUID());
    for (const accountId of accounts) {
      expect((await app.post('/accounts', { owner: 'Batch', currency: 'EUR', accountId })).status).toBe(201);
    }
    const batchesBefore = await metric(app, 'ledger_event_store_append_batches_total');
    const appendsBefore = await metric(app, 'ledger_event_store_batched_appends_total');

    const statuses = await Promise.all(accounts.map((id) => app.post(`/accounts/${id}/deposits`, { amount: 5 }).then((r) => r.status)));

    const batches = (await metric(app, 'ledger_event_store_append_batches_total')) - batchesBefore;
    const appends = (await metric(app, 'ledger_event_store_batched_appends_total')) - appendsBefore;
    expect(statuses).toEqual(accounts.map(() => 201));
    expect(appends).toBe(accounts.length);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(accounts.length);
    expect(await metric(app, 'ledger_event_store_largest_append_batch')).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
