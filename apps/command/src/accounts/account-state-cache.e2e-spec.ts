import { randomUUID } from 'node:crypto';
import { CommandAppHarness, twoReplicasSuite, versionsOf } from '../testing/command-app.harness';

/**
 * Each replica remembers the accounts it wrote last; another replica's writes make that memory
 * stale. These prove a stale entry never decides a command: not an append, not a refusal, not a 412.
 */
describe('cached account state across two replicas', () => {
  const { app, replica } = twoReplicasSuite();

  async function openOn(harness: CommandAppHarness, initialDeposit: number): Promise<string> {
    const accountId = randomUUID();
    const opened = await harness.post('/accounts', { owner: 'Cache', currency: 'EUR', initialDeposit, accountId });
    expect(opened.status).toBe(201);
    return accountId;
  }

  it('given a replica that cached a zero balance, when the other replica deposits and it is asked to withdraw, then it withdraws from the real balance', async () => {
    const accountId = await openOn(app, 0);
    expect((await replica.post(`/accounts/${accountId}/deposits`, { amount: 100 })).status).toBe(201);

    const withdrawn = await app.post(`/accounts/${accountId}/withdrawals`, { amount: 60 });

    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body).toMatchObject({ balance: 40, version: 3 });
  });

  it('given a replica that cached version 1, when the other replica appends and it deposits, then it appends version 3 after a conflict', async () => {
    const accountId = await openOn(app, 10);
    expect((await replica.post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);

    const deposited = await app.post(`/accounts/${accountId}/deposits`, { amount: 1 });

    expect(deposited.status).toBe(201);
    expect(deposited.body).toMatchObject({ balance: 16, version: 3 });
    expect(await versionsOf(app.db, accountId)).toEqual([1, 2, 3]);
  });

  it('given a replica that cached version 1, when the other replica appends and If-Match names the real version, then it is accepted', async () => {
    const accountId = await openOn(app, 10);
    expect((await replica.post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);

    const deposited = await app.post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'If-Match': '"2"' });

    expect(deposited.status).toBe(201);
    expect(deposited.body).toMatchObject({ version: 3 });
  });

  it('given a replica that cached version 1, when the other replica appends and If-Match names the cached version, then it is 412', async () => {
    const accountId = await openOn(app, 10);
    expect((await replica.post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);

    const deposited = await app.post(`/accounts/${accountId}/deposits`, { amount: 1 }, { 'If-Match': '"1"' });

    expect(deposited.status).toBe(412);
    expect(await versionsOf(app.db, accountId)).toEqual([1, 2]);
  });
});
