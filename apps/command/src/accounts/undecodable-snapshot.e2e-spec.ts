import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommandAppHarness, startCommandApp, versionsOf } from '../testing/command-app.harness';

/**
 * A snapshot row that no longer decodes (corrupted, or written by a buggy release) must not turn every
 * command on its account into a 500: it is ignored, the state is folded from every event, and it is
 * counted and logged so someone looks at it.
 */
describe('an account whose snapshot cannot be decoded', () => {
  let app: CommandAppHarness;
  /** A second replica on the same database: it has no cached state, so it must read the snapshot. */
  let replica: CommandAppHarness;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    app = await startCommandApp({ SNAPSHOT_EVERY: '2' });
    replica = await startCommandApp({ SNAPSHOT_EVERY: '2' }, app);
    warn = jest.spyOn(Logger.prototype, 'warn');
  }, 60_000);

  afterAll(async () => {
    warn.mockRestore();
    await replica.close();
    await app.close();
  });

  async function decodeFailures(harness: CommandAppHarness): Promise<number> {
    const text = await (await fetch(`${harness.managementUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('ledger_command_snapshot_decode_failures_total'));
    return Number(line?.split(' ').pop() ?? 'NaN');
  }

  it.each([
    [
      'a balance that is not a number',
      { status: 'ACTIVE', accountId: 'x', owner: 'O', currency: 'EUR', balance: 'lots', openedAt: '2026-01-01T00:00:00.000Z' },
    ],
    ['an unknown status', { status: 'BOGUS' }],
    ['no fields at all', {}],
  ])(
    'given a snapshot row with %s, when commands come, then they are answered from the events, and it is counted and logged',
    async (_label, state) => {
      const accountId = randomUUID();
      expect((await app.post('/accounts', { owner: 'Snap', currency: 'EUR', initialDeposit: 100, accountId })).status).toBe(201);
      expect((await app.post(`/accounts/${accountId}/deposits`, { amount: 10 })).status).toBe(201);
      const corrupted = await app.db.query(`UPDATE event_store.snapshots SET state = $2 WHERE stream_id = $1 AND version = 2`, [
        accountId,
        JSON.stringify(state),
      ]);
      expect(corrupted.rowCount).toBe(1);
      const failuresBefore = await decodeFailures(replica);
      warn.mockClear();

      const deposited = await replica.post(`/accounts/${accountId}/deposits`, { amount: 5 });
      const withdrawn = await replica.post(`/accounts/${accountId}/withdrawals`, { amount: 115 });

      expect(deposited.status).toBe(201);
      expect(deposited.body).toMatchObject({ version: 3, balance: 115 });
      expect(withdrawn.status).toBe(201);
      expect(withdrawn.body).toMatchObject({ version: 4, balance: 0 });
      expect(await versionsOf(app.db, accountId)).toEqual([1, 2, 3, 4]);
      expect(await decodeFailures(replica)).toBe(failuresBefore + 1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`account ${accountId}: snapshot at version 2 cannot be decoded`));
      // The append that crossed version 4 wrote a good snapshot over the bad one.
      const { rows } = await app.db.query(`SELECT version, state FROM event_store.snapshots WHERE stream_id = $1`, [accountId]);
      expect(rows).toEqual([{ version: '4', state: expect.objectContaining({ status: 'ACTIVE', balance: '0' }) }]);
    },
    30_000,
  );
});
