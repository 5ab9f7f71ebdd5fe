import { mintToken, SseClient } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { AccountStory } from './testing/account-story.fixture';
import { eventually, startQueryApp, type QueryApp, type Reply } from './testing/query-app.harness';

const ALICE = 'alice-subject';
const BOB = 'bob-subject';
const CAROL = 'carol-subject';
const OPERATOR = 'operator-subject';
const WAITS = 'ledger_query_read_your_writes_waits_total';

/** A problem with the account id taken out: what must not tell another's account from a missing one. */
const shapeOf = (reply: Pick<Reply, 'status' | 'headers' | 'text'>, accountId: string) => ({
  status: reply.status,
  contentType: reply.headers['content-type'],
  body: reply.text.replaceAll(accountId, '<id>'),
});

describe('ownership on the read side', () => {
  let query: QueryApp;
  const tokens = { alice: '', bob: '', carol: '', operator: '' };
  const alices = [
    new AccountStory({ ownerId: ALICE, owner: 'Alice', openedAt: new Date('2026-03-01T09:00:00.000Z'), steps: [{ deposit: 5n }] }),
    new AccountStory({ ownerId: ALICE, owner: 'Alice', openedAt: new Date('2026-03-01T09:01:00.000Z') }),
  ];
  const [alicesFirst] = alices as [AccountStory, AccountStory];
  // Same display name as Alice's: only the owner id tells them apart.
  const bobs = new AccountStory({ ownerId: BOB, owner: 'Alice', steps: [{ deposit: 7n }, { withdraw: 2n }] });
  const ownerless = new AccountStory({ ownerId: null, owner: 'Legacy' });

  beforeAll(async () => {
    query = await startQueryApp();
    [tokens.alice, tokens.bob, tokens.carol, tokens.operator] = await Promise.all([
      mintToken({ sub: ALICE, scope: 'ledger:read' }),
      mintToken({ sub: BOB, scope: 'ledger:read' }),
      mintToken({ sub: CAROL, scope: 'ledger:read' }),
      mintToken({ sub: OPERATOR, scope: 'ledger:read ledger:operate' }),
    ]);
    await query.project([...alices.flatMap((s) => s.messages()), ...bobs.messages(), ...ownerless.messages()]);
  }, 60_000);

  afterAll(async () => {
    await query.close();
  });

  const read = (who: keyof typeof tokens, path: string) => query.as(tokens[who]).get(path);

  describe.each([
    ['GET /accounts/{id}', (id: string) => `/accounts/${id}`],
    ['GET /accounts/{id}/transactions', (id: string) => `/accounts/${id}/transactions`],
  ])('%s', (_route, path) => {
    it('given the owner, then 200', async () => {
      expect((await read('bob', path(bobs.accountId))).status).toBe(200);
    });

    it("given another subject, then 404 account-not-found, the same answer as a missing id's", async () => {
      const missing = randomUUID();
      const foreign = await read('alice', path(bobs.accountId));
      const absent = await read('alice', path(missing));

      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ type: expect.stringContaining('account-not-found'), status: 404 });
      expect(shapeOf(foreign, bobs.accountId)).toEqual(shapeOf(absent, missing));
    });

    it('given an operator, then 200, also for an account without an owner that no one else sees', async () => {
      expect((await read('operator', path(bobs.accountId))).status).toBe(200);
      expect((await read('operator', path(ownerless.accountId))).status).toBe(200);
      expect((await read('bob', path(ownerless.accountId))).status).toBe(404);
    });
  });

  it('serves the owner and an operator the same account, and the history in full', async () => {
    const own = await read('bob', `/accounts/${bobs.accountId}`);
    const operated = await read('operator', `/accounts/${bobs.accountId}`);
    const history = await read('bob', `/accounts/${bobs.accountId}/transactions`);

    expect(own.body).toMatchObject({ accountId: bobs.accountId, balance: 105, version: 3 });
    expect(operated.body).toEqual(own.body);
    expect(history.body.items.map((item: { version: number }) => item.version)).toEqual([3, 2, 1]);
  });

  describe('GET /accounts/{id}/stream', () => {
    const open: SseClient[] = [];
    afterEach(() => {
      for (const client of open.splice(0)) client.close();
    });

    const stream = async (who: keyof typeof tokens, accountId: string) => {
      const client = await SseClient.connect(`${query.url}/accounts/${accountId}/stream`, {
        authorization: `Bearer ${tokens[who]}`,
        'last-event-id': '0',
      });
      open.push(client);
      return client;
    };

    it('given the owner or an operator, then the stream opens and replays the history', async () => {
      for (const who of ['bob', 'operator'] as const) {
        const client = await stream(who, bobs.accountId);
        expect(client.status).toBe(200);
        await client.waitForMessages(3);
        expect(client.versions()).toEqual([1, 2, 3]);
      }
    });

    it("given another subject, then 404 before the stream opens, the same answer as a missing id's", async () => {
      const missing = randomUUID();
      const waits = await query.metric('ledger_query_read_your_writes_waits_total');
      const foreign = await stream('alice', bobs.accountId);
      const absent = await stream('alice', missing);

      expect(foreign.status).toBe(404);
      // Both waited for the account to appear, so the time to answer does not tell one from the other either.
      expect(await query.metric('ledger_query_read_your_writes_waits_total')).toBe(waits + 2);
      expect(foreign.messages).toEqual([]);
      expect(shapeOf({ ...foreign, text: foreign.body }, bobs.accountId)).toEqual(shapeOf({ ...absent, text: absent.body }, missing));
    });
  });

  describe('GET /accounts/{id}?minVersion= (read-your-writes)', () => {
    it("given another subject's account that exists, then it waits like a missing one: 504 with reachedVersion 0, never its version", async () => {
      const missing = randomUUID();
      const foreign = await read('alice', `/accounts/${bobs.accountId}?minVersion=2&waitMs=300`);
      const absent = await read('alice', `/accounts/${missing}?minVersion=2&waitMs=300`);

      expect(foreign.status).toBe(504);
      expect(foreign.body).toMatchObject({ reachedVersion: 0, minVersion: 2 });
      expect(shapeOf(foreign, bobs.accountId)).toEqual(shapeOf(absent, missing));
    });

    it("given another subject's account that appears during the wait, then still nothing of it shows, while its owner reads it", async () => {
      const late = new AccountStory({ ownerId: CAROL, steps: [{ deposit: 1n }] });
      const waitsBefore = await query.metric(WAITS);
      const waiting = read('alice', `/accounts/${late.accountId}?minVersion=1&waitMs=3000`);
      const owners = read('carol', `/accounts/${late.accountId}?minVersion=2&waitMs=10000`);
      await eventually(async () => (await query.metric(WAITS)) >= waitsBefore + 2, 10_000, 'both reads to wait');
      await query.project(late.messages());

      const [foreign, own] = await Promise.all([waiting, owners]);
      expect(foreign.status).toBe(504);
      expect(foreign.body).toMatchObject({ reachedVersion: 0 });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ accountId: late.accountId, version: 2 });
    });

    it('given an operator, then the wait answers with the account', async () => {
      const reply = await read('operator', `/accounts/${bobs.accountId}?minVersion=3&waitMs=300`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ version: 3 });
    });
  });

  describe('GET /accounts', () => {
    const ids = (reply: Reply) => reply.body.items.map((item: { accountId: string }) => item.accountId);

    it("given no parameters, then only the caller's own accounts, oldest first, paged", async () => {
      const first = await read('alice', '/accounts?limit=1');
      const second = await read('alice', `/accounts?limit=1&cursor=${first.body.nextCursor}`);

      expect([first.status, second.status]).toEqual([200, 200]);
      expect([...ids(first), ...ids(second)]).toEqual(alices.map((s) => s.accountId));
      expect(second.body).not.toHaveProperty('nextCursor');
      expect(ids(await read('bob', '/accounts'))).toEqual([bobs.accountId]);
      expect((await read('operator', '/accounts')).body).toEqual({ items: [] });
    });

    it("given a cursor of another caller's own listing, then 400 invalid-cursor: it pages no one else's", async () => {
      const first = await read('alice', '/accounts?limit=1');
      const reply = await read('bob', `/accounts?limit=1&cursor=${first.body.nextCursor}`);

      expect(reply.status).toBe(400);
      expect(reply.body.type).toContain('invalid-cursor');
    });

    it.each([`owner=Alice`, `ownerId=${BOB}`, `ownerId=${ALICE}`])(
      'given %s without ledger:operate, then 403 insufficient-scope with the scope challenge',
      async (filter) => {
        const reply = await read('alice', `/accounts?${filter}`);

        expect(reply.status).toBe(403);
        expect(reply.headers['content-type']).toContain('application/problem+json');
        expect(reply.body.type).toContain('insufficient-scope');
        expect(reply.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="ledger:operate"');
      },
    );

    it('given an operator, then owner= lists by display name and ownerId= by subject', async () => {
      const byName = await read('operator', '/accounts?owner=Alice');
      const byId = await read('operator', `/accounts?ownerId=${ALICE}`);
      const none = await read('operator', '/accounts?ownerId=nobody');

      expect(ids(byName)).toEqual([...alices.map((s) => s.accountId), bobs.accountId]);
      expect(ids(byId)).toEqual(alices.map((s) => s.accountId));
      expect(none.body).toEqual({ items: [] });
    });

    it("given an operator's ownerId= cursor, then it pages that listing and not the owner= one", async () => {
      const first = await read('operator', `/accounts?ownerId=${ALICE}&limit=1`);
      const next = await read('operator', `/accounts?ownerId=${ALICE}&limit=1&cursor=${first.body.nextCursor}`);
      const crossed = await read('operator', `/accounts?owner=Alice&limit=1&cursor=${first.body.nextCursor}`);

      expect(ids(first)).toEqual([alicesFirst.accountId]);
      expect(next.status).toBe(200);
      expect(crossed.status).toBe(400);
    });

    it('given both owner= and ownerId=, then 400 validation', async () => {
      const reply = await read('operator', `/accounts?owner=Alice&ownerId=${ALICE}`);

      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ field: 'ownerId', messages: ['ownerId cannot be combined with owner'] }]);
    });
  });
});
