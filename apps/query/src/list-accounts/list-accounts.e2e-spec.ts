import { AccountStory } from '../testing/account-story.fixture';
import { queryAppSuite } from '../testing/query-app.harness';

describe('GET /accounts?owner=', () => {
  const query = queryAppSuite();
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 9, minute));
  // Opened out of order, two at the same instant (the id breaks the tie), one with another owner.
  const grace = [
    new AccountStory({ owner: 'Grace Hopper', openedAt: at(5), accountId: 'f0000000-0000-4000-8000-000000000000' }),
    new AccountStory({ owner: 'Grace Hopper', openedAt: at(1), initialDeposit: 7n, steps: [{ deposit: 3n }] }),
    new AccountStory({ owner: 'Grace Hopper', openedAt: at(5), accountId: '0f000000-0000-4000-8000-000000000000' }),
    new AccountStory({ owner: 'Grace Hopper', openedAt: at(3) }),
    new AccountStory({ owner: 'Grace Hopper', openedAt: at(9) }),
  ];
  const expectedOrder = [1, 3, 2, 0, 4].map((i) => grace[i]?.accountId);

  beforeAll(async () => {
    await query.project([
      ...grace.flatMap((story) => story.messages()),
      ...new AccountStory({ owner: 'grace hopper' }).messages(),
      ...new AccountStory({ owner: 'Grace Hopper ' }).messages(),
    ]);
  });

  it("lists exactly the owner's accounts, oldest first, each as GET /accounts/{id} shows it", async () => {
    const reply = await query.get(`/accounts?owner=${encodeURIComponent('Grace Hopper')}`);

    expect(reply.status).toBe(200);
    expect(reply.body.items.map((a: { accountId: string }) => a.accountId)).toEqual(expectedOrder);
    expect(reply.body).not.toHaveProperty('nextCursor');
    const single = await query.get(`/accounts/${expectedOrder[0]}`);
    expect(reply.body.items[0]).toEqual(single.body);
    expect(reply.body.items[0]).toMatchObject({ balance: 10, version: 2, summary: { totalDeposited: 10, transactionCount: 2 } });
  });

  it('pages to the end in the same stable order', async () => {
    const seen: string[] = [];
    let path = `/accounts?owner=${encodeURIComponent('Grace Hopper')}&limit=2`;
    let pages = 0;
    for (;;) {
      const reply = await query.get(path);
      expect(reply.status).toBe(200);
      pages++;
      seen.push(...reply.body.items.map((a: { accountId: string }) => a.accountId));
      if (reply.body.nextCursor === undefined) break;
      path = `/accounts?owner=${encodeURIComponent('Grace Hopper')}&limit=2&cursor=${reply.body.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(expectedOrder);
  });

  it('keeps the order across pages when accounts share an opening instant (the id breaks the tie)', async () => {
    const twins = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    await query.project(twins.flatMap((accountId) => new AccountStory({ owner: 'Twin', accountId, openedAt: at(0) }).messages()));
    const first = await query.get('/accounts?owner=Twin&limit=1');
    const second = await query.get(`/accounts?owner=Twin&limit=1&cursor=${first.body.nextCursor}`);
    const third = await query.get(`/accounts?owner=Twin&limit=1&cursor=${second.body.nextCursor}`);
    expect([first, second, third].map((r) => r.body.items[0].accountId)).toEqual(twins);
    expect(third.body).not.toHaveProperty('nextCursor');
  });

  it('given an owner with no accounts, then an empty page', async () => {
    const reply = await query.get('/accounts?owner=Nobody');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [] });
  });
});
