import { randomUUID } from 'node:crypto';
import { AccountStory } from '../testing/account-story.fixture';
import { queryAppSuite } from '../testing/query-app.harness';

describe('GET /accounts/{id}', () => {
  const query = queryAppSuite();

  it('answers the account with its summary, money as JSON integers', async () => {
    const story = new AccountStory({
      owner: 'Ada Lovelace',
      initialDeposit: 1_000n,
      steps: [{ deposit: 500n }, { withdraw: 250n }, { freeze: 'court order' }, 'unfreeze', { deposit: 1n }],
    });
    await query.project(story.messages());

    const reply = await query.get(`/accounts/${story.accountId}`);

    expect(reply.status).toBe(200);
    expect(reply.headers['etag']).toBe('"6"');
    expect(reply.body).toEqual({
      accountId: story.accountId,
      owner: 'Ada Lovelace',
      currency: 'EUR',
      balance: 1_251,
      availableBalance: 1_251,
      reserved: 0,
      status: 'ACTIVE',
      version: 6,
      openedAt: story.occurredAt(1),
      updatedAt: story.occurredAt(6),
      summary: { totalDeposited: 1_501, totalWithdrawn: 250, transactionCount: 4, lastActivityAt: story.occurredAt(6) },
    });
  });

  it('answers an upper-case id as the same account', async () => {
    const story = new AccountStory({ steps: ['close'], initialDeposit: 0n });
    await query.project(story.messages());
    const reply = await query.get(`/accounts/${story.accountId.toUpperCase()}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      accountId: story.accountId,
      status: 'CLOSED',
      balance: 0,
      updatedAt: story.occurredAt(2),
      summary: { transactionCount: 0, totalDeposited: 0, lastActivityAt: null },
    });
  });

  it('writes a summary total beyond 2^53 - 1 as an exact decimal string, the balance still a number', async () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const story = new AccountStory({ initialDeposit: max, steps: [{ withdraw: max }, { deposit: max }, { withdraw: 1n }] });
    await query.project(story.messages());

    const reply = await query.get(`/accounts/${story.accountId}`);

    expect(reply.status).toBe(200);
    expect(reply.body.balance).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(reply.body.summary).toEqual({
      totalDeposited: '18014398509481982',
      totalWithdrawn: '9007199254740992',
      transactionCount: 4,
      lastActivityAt: story.occurredAt(4),
    });
    expect(reply.text).toContain('"totalDeposited":"18014398509481982"');
  });

  it('given an account the read model has not seen, then 404 problem at once, without waiting for it', async () => {
    const waits = await query.metric('ledger_query_read_your_writes_waits_total');
    const reply = await query.get(`/accounts/${randomUUID()}`);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ type: 'https://ledger.example.com/problems/account-not-found', status: 404 });
    expect(await query.metric('ledger_query_read_your_writes_waits_total')).toBe(waits);
  });
});
