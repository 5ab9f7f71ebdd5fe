import { mintToken, SseClient } from '@ledger/testing';
import { hour, seedAccountDay, type AccountDay } from '../testing/account-year.fixture';
import { queryAppSuite } from '../testing/query-app.harness';

const OWNER = 'history-owner';
const PROBLEMS = 'https://ledger.example.com/problems/';
const q = encodeURIComponent;

describe('transfers in accounts and histories', () => {
  const query = queryAppSuite();
  let day: AccountDay;
  let history: string;
  const tokens = { owner: '', stranger: '' };

  beforeAll(async () => {
    day = await seedAccountDay(query.pool, OWNER, 'history-counterparty');
    history = `/accounts/${day.account.accountId}/transactions`;
    [tokens.owner, tokens.stranger] = await Promise.all([
      mintToken({ sub: OWNER, scope: 'ledger:read' }),
      mintToken({ sub: 'history-stranger', scope: 'ledger:read' }),
    ]);
  }, 60_000);

  const versions = (body: { items: { version: number }[] }) => body.items.map((item) => item.version);

  it('GET /accounts/{id} shows reserved and availableBalance (balance - reserved)', async () => {
    const reply = await query.as(tokens.owner).get(`/accounts/${day.account.accountId}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ balance: 1_100, reserved: 100, availableBalance: 1_000, version: 10 });
    const listed = await query.as(tokens.owner).get('/accounts');
    expect(listed.body.items).toEqual([
      expect.objectContaining({ accountId: day.account.accountId, reserved: 100, availableBalance: 1_000 }),
    ]);
  });

  it('history items of transfer legs name the transfer and the counterparty; other items have nulls', async () => {
    const reply = await query.as(tokens.owner).get(history);
    expect(reply.status).toBe(200);
    const byVersion = new Map(reply.body.items.map((item: { version: number }) => [item.version, item]));
    const counterpartyAccountId = day.counterparty.accountId;
    expect(byVersion.get(3)).toMatchObject({
      type: 'TransferDebited',
      amount: 200,
      balanceAfter: 1_300,
      transferId: day.immediate,
      counterpartyAccountId,
    });
    expect(byVersion.get(4)).toMatchObject({
      type: 'HoldPlaced',
      amount: 300,
      balanceAfter: 1_300,
      transferId: day.hold,
      counterpartyAccountId,
    });
    expect(byVersion.get(7)).toMatchObject({ type: 'HoldPosted', amount: 250, balanceAfter: 1_050, transferId: day.hold });
    expect(byVersion.get(8)).toMatchObject({ type: 'TransferCredited', amount: 75, transferId: day.incoming });
    for (const version of [1, 2, 5, 6, 9]) {
      expect(byVersion.get(version)).toMatchObject({ transferId: null, counterpartyAccountId: null });
    }
  });

  it('filters by [from, to) on occurredAt: from inclusive, to exclusive', async () => {
    const reply = await query.as(tokens.owner).get(`${history}?from=${q(hour(12))}&to=${q(hour(16))}`);
    expect(versions(reply.body)).toEqual([6, 5, 4, 3]);
    expect(versions((await query.get(`${history}?from=${q(hour(18))}`)).body)).toEqual([10, 9]);
    expect(versions((await query.get(`${history}?to=${q('2026-03-01T11:00:00.000001Z')}`)).body)).toEqual([2, 1]);
  });

  it('compares the ends exactly: nanoseconds are not rounded, and offsets up to ±23:59 name their instant', async () => {
    const finer = await query
      .as(tokens.owner)
      .get(`${history}?from=${q('2026-03-01T12:00:00.0000001Z')}&to=${q('2026-03-01T16:00:00.0000001Z')}`);
    const offsets = await query
      .as(tokens.owner)
      .get(`${history}?from=${q('2026-02-28T20:00:00-16:00')}&to=${q('2026-03-02T15:59:00+23:59')}`);
    expect(versions(finer.body)).toEqual([7, 6, 5, 4]);
    expect(versions(offsets.body)).toEqual([6, 5, 4, 3]);
  });

  it('filters by type, and combines type, range and paging', async () => {
    expect(versions((await query.get(`${history}?type=HoldPlaced`)).body)).toEqual([10, 4]);
    expect(versions((await query.get(`${history}?type=MoneyDeposited&to=${q(hour(11))}`)).body)).toEqual([]);
    const holds = `${history}?type=HoldPlaced&limit=1`;
    const first = await query.get(holds);
    expect(versions(first.body)).toEqual([10]);
    const second = await query.get(`${holds}&cursor=${first.body.nextCursor}`);
    expect(versions(second.body)).toEqual([4]);
    expect(second.body).not.toHaveProperty('nextCursor');
    const legs = `${history}?from=${q(hour(12))}&to=${q(hour(20))}&limit=2`;
    let path = legs;
    const all: number[] = [];
    for (let pages = 0; pages < 10; pages++) {
      const reply = await query.get(path);
      all.push(...versions(reply.body));
      if (reply.body.nextCursor === undefined) break;
      path = `${legs}&cursor=${reply.body.nextCursor}`;
    }
    expect(all).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
  });

  it.each([
    ['an unknown type', '?type=MoneyPrinted', 'validation'],
    ['a type in lower case', '?type=holdplaced', 'validation'],
    ['type twice', '?type=HoldPlaced&type=HoldPosted', 'validation'],
    ['a malformed from', '?from=yesterday', 'validation'],
    ['a to without an offset', '?to=2026-03-01T10:00:00', 'validation'],
    ['from after to', `?from=${q(hour(12))}&to=${q(hour(11))}`, 'invalid-time-range'],
  ])('given %s, then 400 %s', async (_label, parameters, type) => {
    const reply = await query.get(`${history}${parameters}`);
    expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 400, type: `${PROBLEMS}${type}` });
  });

  it("given someone else's token or none, then 404 and 401 with filters too", async () => {
    const filtered = `${history}?type=HoldPlaced&from=${q(hour(1))}`;
    expect((await query.as(tokens.stranger).get(filtered)).body).toMatchObject({ type: `${PROBLEMS}account-not-found`, status: 404 });
    expect((await query.get(filtered, { authorization: '' })).status).toBe(401);
  });

  it('streams transfer legs over SSE like any event, with the transfer and the counterparty', async () => {
    const client = await SseClient.connect(`${query.url}/accounts/${day.account.accountId}/stream`, {
      authorization: `Bearer ${tokens.owner}`,
      'last-event-id': '2',
    });
    try {
      expect(client.status).toBe(200);
      const messages = await client.waitForMessages(8);
      expect(messages.map((m) => m.event)).toEqual([
        'TransferDebited',
        'HoldPlaced',
        'AccountFrozen',
        'AccountUnfrozen',
        'HoldPosted',
        'TransferCredited',
        'MoneyWithdrawn',
        'HoldPlaced',
      ]);
      expect(messages[0]?.data).toMatchObject({
        version: 3,
        transferId: day.immediate,
        counterpartyAccountId: day.counterparty.accountId,
        amount: 200,
        balance: 1_300,
      });
      expect(messages[2]?.data).toMatchObject({ transferId: null, counterpartyAccountId: null });
    } finally {
      client.close();
    }
  });
});
