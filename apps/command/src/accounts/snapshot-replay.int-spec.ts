import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { AccountCommandHandler } from '@ledger/account-commands';
import { decodeStoredAccountEvent } from '@ledger/domain';
import { foldAccount } from '@ledger/testing';
import { CommandAppHarness, startCommandApp } from '../testing/command-app.harness';

type Step = { path: string; body: Record<string, unknown> };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 1_000 }).map((amount) => ({ path: 'deposits', body: { amount } })) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 1_500 }).map((amount) => ({ path: 'withdrawals', body: { amount } })) },
  { weight: 1, arbitrary: fc.constant({ path: 'freeze', body: { reason: 'review' } }) },
  { weight: 1, arbitrary: fc.constant({ path: 'unfreeze', body: {} }) },
  { weight: 1, arbitrary: fc.constant({ path: 'close', body: {} }) },
);

interface Model {
  balance: number;
  status: 'ACTIVE' | 'FROZEN' | 'CLOSED';
}

/**
 * What each step must answer, from a model written apart from the domain: 201 (and the model moves on)
 * or the 409 problem slug. So a run where commands fail for another reason cannot pass.
 */
function expectedAnswer(model: Model, { path, body }: Step): { status: 201 } | { status: 409; slug: string } {
  const amount = Number(body['amount']);
  if (model.status === 'CLOSED') return { status: 409, slug: 'account-closed' };
  switch (path) {
    case 'deposits':
      if (model.status === 'FROZEN') return { status: 409, slug: 'account-frozen' };
      model.balance += amount;
      return { status: 201 };
    case 'withdrawals':
      if (model.status === 'FROZEN') return { status: 409, slug: 'account-frozen' };
      if (amount > model.balance) return { status: 409, slug: 'insufficient-funds' };
      model.balance -= amount;
      return { status: 201 };
    case 'freeze':
      if (model.status === 'FROZEN') return { status: 409, slug: 'account-frozen' };
      model.status = 'FROZEN';
      return { status: 201 };
    case 'unfreeze':
      if (model.status === 'ACTIVE') return { status: 409, slug: 'account-not-frozen' };
      model.status = 'ACTIVE';
      return { status: 201 };
    case 'close':
      if (model.balance !== 0) return { status: 409, slug: 'balance-not-zero' };
      model.status = 'CLOSED';
      return { status: 201 };
    default:
      throw new Error(`no model for ${path}`);
  }
}

describe('snapshot + tail equals full replay', () => {
  let app: CommandAppHarness;
  let accounts: AccountCommandHandler;

  beforeAll(async () => {
    // Snapshots every 3 events, so random sequences cross many snapshot boundaries.
    app = await startCommandApp({ SNAPSHOT_EVERY: '3' });
    accounts = app.nest.get(AccountCommandHandler);
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

  it('for random command sequences, each command gets the answer a model predicts, and loading from the latest snapshot gives the state and version of replaying every event', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2_000 }),
        // At least 8 steps: fast-check favours short arrays, and short runs alone can leave too few accepted commands.
        fc.array(step, { minLength: 8, maxLength: 25 }),
        async (initialDeposit, steps) => {
          const accountId = randomUUID();
          const opened = await app.post('/accounts', { owner: 'Replay', currency: 'EUR', initialDeposit, accountId });
          expect(opened.status).toBe(201);
          const model: Model = { balance: initialDeposit, status: 'ACTIVE' };
          let version = 1;
          for (const s of steps) {
            const answer = await app.post(`/accounts/${accountId}/${s.path}`, s.body);
            const expected = expectedAnswer(model, s);
            expect({ step: s, status: answer.status }).toEqual({ step: s, status: expected.status });
            if (expected.status === 201) {
              version += 1;
              accepted += 1;
              expect(answer.body).toMatchObject({ version, balance: model.balance, status: model.status });
            } else {
              expect(answer.body['type']).toBe(`https://ledger.example.com/problems/${expected.slug}`);
            }
          }

          const fromSnapshot = await accounts.load(accountId);
          const replayed = await fullReplay(accountId);

          expect(replayed.version).toBe(version);
          expect(fromSnapshot).toEqual(replayed);
          const { rows } = await app.db.query('SELECT version FROM event_store.snapshots WHERE stream_id = $1', [accountId]);
          if (replayed.version >= 3) expect(Number(rows[0]?.version)).toBe(Math.floor(replayed.version / 3) * 3);
        },
      ),
      { numRuns: 40 },
    );
    // The property is about states built by many accepted commands, not only by refusals.
    expect(accepted).toBeGreaterThan(100);
  }, 180_000);
});
