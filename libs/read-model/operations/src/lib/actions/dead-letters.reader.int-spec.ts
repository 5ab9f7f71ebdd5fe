import { AccountHistory } from '@ledger/testing';
import { listDeadLetters, type DeadLetterStatus } from './dead-letters.reader';
import { listParkedAccounts } from './parked-accounts.reader';
import { skip } from './skip.action';
import { projectionSuite, parkedRowOf, poisonFor } from '@ledger/read-model-projection/testing';
import { operatorContext } from '../testing/operations.fixture';

describe('listing dead letters and parked accounts', () => {
  const env = projectionSuite({ poolSize: 4 });
  const gapped = new AccountHistory({ deposits: 4 });
  const poisoned = new AccountHistory({ deposits: 2 });

  beforeAll(async () => {
    // gapped: v1, v2 applied, v4 dead-lettered (gap), v5 held. poisoned: v1 applied, poison, v2 v3 held.
    // One keyless poison, skipped.
    await env.projector.deliver([...gapped.messages([1, 2, 4]), ...poisoned.messages([1]), poisonFor(poisoned.accountId)]);
    await env.projector.deliver([...gapped.messages([5]), ...poisoned.messages([2, 3]), poisonFor(null)]);
    const { rows } = await env.pool.query(`SELECT id::text FROM read_model.dead_letters WHERE account_id IS NULL`);
    await skip(operatorContext(env.pool), rows[0].id);
  }, 30_000);

  it('lists every dead letter newest first, with what it is and whether it parks its account', async () => {
    const all = await listDeadLetters(env.pool, { limit: 10 });

    expect(all.map((d) => [d.accountId, d.version, d.status, d.parksAccount])).toEqual([
      [null, null, 'skipped', false],
      [poisoned.accountId, null, 'open', true],
      [gapped.accountId, 4, 'open', true],
    ]);
    expect(all[2]).toMatchObject({
      topic: 'account-events',
      partition: 0,
      offset: '2',
      error: 'version gap: expected version 3, got 4',
      attempts: 1,
      eventId: gapped.envelope(4).eventId,
      publishedAt: null,
      resolvedAt: null,
    });
    expect(all[2]?.createdAt).toBeInstanceOf(Date);
    expect(all[0]?.resolvedAt).toBeInstanceOf(Date);
  });

  it.each<[string, { status?: DeadLetterStatus; accountId?: string; limit: number }, number]>([
    ['open ones', { status: 'open', limit: 10 }, 2],
    ['skipped ones', { status: 'skipped', limit: 10 }, 1],
    ['healed ones', { status: 'healed', limit: 10 }, 0],
    ['one account', { accountId: 'GAPPED', limit: 10 }, 1],
    ['one account and status', { accountId: 'GAPPED', status: 'skipped', limit: 10 }, 0],
    ['a limit', { limit: 2 }, 2],
  ])('filters by %s', async (_name, filter, count) => {
    const accountId = filter.accountId === 'GAPPED' ? gapped.accountId.toUpperCase() : filter.accountId;
    expect(await listDeadLetters(env.pool, { ...filter, accountId })).toHaveLength(count);
  });

  it('lists parked accounts with their reason, dead letter, held events and version', async () => {
    const parked = await listParkedAccounts(env.pool, { limit: 10 });

    // Parked in one transaction, so at the same time: then by account id.
    const expected = [
      {
        accountId: gapped.accountId,
        reason: 'version gap: expected version 3, got 4',
        deadLetterId: (await parkedRowOf(env.pool, gapped.accountId)).dead_letter_id,
        heldEvents: 1,
        parkedAt: expect.any(Date),
        version: 2,
      },
      {
        accountId: poisoned.accountId,
        reason: expect.stringMatching(/undecodable/),
        deadLetterId: (await parkedRowOf(env.pool, poisoned.accountId)).dead_letter_id,
        heldEvents: 2,
        parkedAt: expect.any(Date),
        version: 1,
      },
    ].sort((a, b) => a.accountId.localeCompare(b.accountId));
    expect(parked).toEqual(expected);
    expect(await listParkedAccounts(env.pool, { limit: 1 })).toHaveLength(1);
  });

  it.each([
    ['a limit of 0', { limit: 0 }],
    ['a fractional limit', { limit: 1.5 }],
    ['a huge limit', { limit: 1_000_000 }],
    ['an account id that is not a UUID', { limit: 10, accountId: "' OR 1=1 --" }],
    ['an unknown status', { limit: 10, status: 'lost' as DeadLetterStatus }],
  ])('given %s, then it throws a RangeError', async (_name, filter) => {
    await expect(listDeadLetters(env.pool, filter)).rejects.toThrow(RangeError);
  });
});
