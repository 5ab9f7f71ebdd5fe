import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { transferStreamId } from '@ledger/domain';
import { eventually } from '@ledger/testing';
import { CommandAppHarness, startCommandApp } from '../../testing/command-app.harness';

/** The command app as deployed: its own worker expires a hold nobody resolves. */
describe('hold expiry in the command app', () => {
  let app: CommandAppHarness;

  beforeAll(async () => {
    app = await startCommandApp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  const transferEvents = async (transferId: string): Promise<string[]> => {
    const read = await new PostgresEventStore(app.db, { notify: false }).readStream(transferStreamId(transferId), {
      snapshotSchemaVersion: 1,
      ignoreSnapshot: true,
    });
    return read.events.map((event) => event.type);
  };

  it('given a hold of 1 s left alone, then the app expires it: the source has its money back, and void is refused as expired', async () => {
    const [source, destination, transferId] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await app.post('/accounts', { owner: 'Ada', currency: 'EUR', accountId: source, initialDeposit: 500 })).status).toBe(201);
    expect((await app.post('/accounts', { owner: 'Bob', currency: 'EUR', accountId: destination })).status).toBe(201);

    const placed = await app.post('/transfers', {
      transferId,
      fromAccountId: source,
      toAccountId: destination,
      amount: 200,
      currency: 'EUR',
      pending: { timeoutSeconds: 1 },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'pending', from: { balance: 500, availableBalance: 300 } });

    await eventually(async () => (await transferEvents(transferId)).includes('PendingTransferExpired'), 30_000, 'the hold expired');
    expect(await transferEvents(transferId)).toEqual(['PendingTransferPlaced', 'PendingTransferExpired']);

    const voided = await app.post(`/transfers/${transferId}/void`, {});
    expect(voided.status).toBe(409);
    expect(voided.body['type']).toMatch(/transfer-expired$/);
    // All 500 available again: the whole balance can leave.
    const withdrawn = await app.post(`/accounts/${source}/withdrawals`, { amount: 500 });
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body).toMatchObject({ balance: 0 });

    const metrics = await (await fetch(`${app.managementUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ledger_holds_expired_total\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^ledger_hold_expiry_leader\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^ledger_hold_expiry_failures_total\{[^}]*\} 0$/m);
  }, 60_000);
});
