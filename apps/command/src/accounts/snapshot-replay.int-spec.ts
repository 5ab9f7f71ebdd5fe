import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { decodeStoredAccountEvent, foldAccount } from '@ledger/domain';
import { CommandAppHarness, startCommandApp } from '../testing/command-app.harness';
import { AccountRepository } from './account.repository';

type Step = { path: string; body: Record<string, unknown> };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 1_000 }).map((amount) => ({ path: 'deposits', body: { amount } })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 1_500 }).map((amount) => ({ path: 'withdrawals', body: { amount } })) },
  { weight: 1, arbitrary: fc.constant({ path: 'freeze', body: { reason: 'review' } }) },
  { weight: 1, arbitrary: fc.constant({ path: 'unfreeze', body: {} }) },
  { weight: 1, arbitrary: fc.constant({ path: 'close', body: {} }) },
);

describe('snapshot + tail equals full replay', () => {
  let app: CommandAppHarness;
  let repository: AccountRepository;

  beforeAll(async () => {
    // Snapshots every 3 events, so random sequences cross many snapshot boundaries.
    app = await startCommandApp({ SNAPSHOT_EVERY: '3' });
    repository = app.nest.get(AccountRepository);
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  async function fullReplay(accountId: string) {
    const { rows } = await app.db.query(
      'SELECT type, schema_version, data, occurred_at FROM event_store.events WHERE stream_id = $1 ORDER BY version',
      [accountId],
    );
    const events = rows.map((r) =>
      decodeStoredAccountEvent({ type: r.type, schemaVersion: r.schema_version, data: r.data, occurredAt: r.occurred_at }),
    );
    return { state: foldAccount(events), version: events.length };
  }

  it('for random command sequences, loading from the latest snapshot gives the state and version of replaying every event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2_000 }), fc.array(step, { minLength: 1, maxLength: 25 }), async (initialDeposit, steps) => {
        const accountId = randomUUID();
        await app.post('/accounts', { owner: 'Replay', currency: 'EUR', initialDeposit, accountId });
        for (const { path, body } of steps) await app.post(`/accounts/${accountId}/${path}`, body);

        const fromSnapshot = await repository.load(accountId);
        const replayed = await fullReplay(accountId);

        expect(fromSnapshot).toEqual(replayed);
        const { rows } = await app.db.query('SELECT version FROM event_store.snapshots WHERE stream_id = $1', [accountId]);
        if (replayed.version >= 3) expect(Number(rows[0]?.version)).toBe(Math.floor(replayed.version / 3) * 3);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
