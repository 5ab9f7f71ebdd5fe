import { randomUUID } from 'node:crypto';
import { AccountStory } from '../testing/account-story.fixture';
import { queryAppSuite } from '../testing/query-app.harness';

describe('GET /accounts/{id}/transactions', () => {
  const query = queryAppSuite();
  const story = new AccountStory({
    initialDeposit: 1_000n,
    steps: [
      { deposit: 500n },
      { withdraw: 250n },
      { freeze: 'court order' },
      'unfreeze',
      { freeze: null },
      'unfreeze',
      { withdraw: 1_250n },
      'close',
    ],
  });

  beforeAll(async () => {
    await query.project(story.messages());
  });

  it('lists every event newest first; money events carry amount and balance, status changes null', async () => {
    const reply = await query.get(`/accounts/${story.accountId}/transactions`);

    expect(reply.status).toBe(200);
    const item = (version: number, type: string, amount: number | null, balanceAfter: number | null, reason: string | null = null) => ({
      eventId: story.eventId(version),
      version,
      type,
      amount,
      balanceAfter,
      reason,
      occurredAt: story.occurredAt(version),
      transferId: null,
      counterpartyAccountId: null,
    });
    expect(reply.body).toEqual({
      items: [
        item(9, 'AccountClosed', null, null),
        item(8, 'MoneyWithdrawn', 1_250, 0),
        item(7, 'AccountUnfrozen', null, null),
        item(6, 'AccountFrozen', null, null),
        item(5, 'AccountUnfrozen', null, null),
        item(4, 'AccountFrozen', null, null, 'court order'),
        item(3, 'MoneyWithdrawn', 250, 1_250),
        item(2, 'MoneyDeposited', 500, 1_500),
        item(1, 'AccountOpened', 1_000, 1_000),
      ],
    });
    expect(reply.body).not.toHaveProperty('nextCursor');
  });

  it('pages to the end with the cursor: no item twice, none missed, no cursor on the last page', async () => {
    const seen: number[] = [];
    const cursors: string[] = [];
    let path = `/accounts/${story.accountId}/transactions?limit=4`;
    for (;;) {
      const reply = await query.get(path);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items.map((i: { version: number }) => i.version));
      if (reply.body.nextCursor === undefined) break;
      expect(reply.body.nextCursor).toMatch(/^[A-Za-z0-9_.-]+$/);
      cursors.push(reply.body.nextCursor);
      path = `/accounts/${story.accountId}/transactions?limit=4&cursor=${reply.body.nextCursor}`;
    }
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(cursors).toHaveLength(2);
  });

  it('given a page that ends exactly at the oldest event, then it has no cursor', async () => {
    const first = await query.get(`/accounts/${story.accountId}/transactions?limit=5`);
    expect(first.body.items.map((i: { version: number }) => i.version)).toEqual([9, 8, 7, 6, 5]);
    const last = await query.get(`/accounts/${story.accountId}/transactions?limit=4&cursor=${first.body.nextCursor}`);
    expect(last.body.items.map((i: { version: number }) => i.version)).toEqual([4, 3, 2, 1]);
    expect(last.body).not.toHaveProperty('nextCursor');
  });

  it('keeps a cursor valid while new events arrive: the next page continues below it', async () => {
    const growing = new AccountStory({ steps: [{ deposit: 1n }, { deposit: 2n }, { deposit: 3n }, { deposit: 4n }] });
    await query.project(growing.messages([1, 2, 3]));
    const first = await query.get(`/accounts/${growing.accountId}/transactions?limit=2`);
    expect(first.body.items.map((i: { version: number }) => i.version)).toEqual([3, 2]);
    await query.project(growing.messages([4, 5]));
    const next = await query.get(`/accounts/${growing.accountId}/transactions?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.items.map((i: { version: number }) => i.version)).toEqual([1]);
  });

  it('given an unknown account, then 404 problem', async () => {
    const reply = await query.get(`/accounts/${randomUUID()}/transactions`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ type: 'https://ledger.example.com/problems/account-not-found' });
  });
});
