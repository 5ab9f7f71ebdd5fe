import { mintToken } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { hour, seedAccountDay, type AccountDay } from '../testing/account-year.fixture';
import { queryAppSuite } from '../testing/query-app.harness';
import { SeededAccount } from '../testing/transfer-ledger.fixture';

const OWNER = 'balance-owner';
const PROBLEMS = 'https://ledger.example.com/problems/';
const q = encodeURIComponent;

describe('GET /accounts/{id}/balance?at=', () => {
  const query = queryAppSuite();
  let day: AccountDay;
  const tokens = { owner: '', stranger: '', operator: '' };
  const balancePath = (at: string, accountId = day.account.accountId) => `/accounts/${accountId}/balance?at=${q(at)}`;

  beforeAll(async () => {
    day = await seedAccountDay(query.pool, OWNER, 'balance-counterparty');
    [tokens.owner, tokens.stranger, tokens.operator] = await Promise.all([
      mintToken({ sub: OWNER, scope: 'ledger:read' }),
      mintToken({ sub: 'balance-stranger', scope: 'ledger:read' }),
      mintToken({ sub: 'balance-operator', scope: 'ledger:read ledger:operate' }),
    ]);
  }, 60_000);

  it.each([
    ['the instant it was opened (inclusive)', hour(10), 1_000, 1_000, 1],
    ['just before the deposit', '2026-03-01T10:59:59.999999Z', 1_000, 1_000, 1],
    ['during the hold, in another offset', '2026-03-01T14:30:00+01:00', 1_300, 1_000, 4],
    ['while frozen', '2026-03-01T14:59:59Z', 1_300, 1_000, 5],
    ['the instant the hold was posted', hour(16), 1_050, 1_050, 7],
    ['after the last event, with a new hold', '2027-01-01T00:00:00Z', 1_100, 1_000, 10],
    ['the instant of the deposit, to the nanosecond', '2026-03-01T11:00:00.000000000Z', 1_500, 1_500, 2],
    ['a nanosecond before the deposit', '2026-03-01T10:59:59.999999999Z', 1_000, 1_000, 1],
    ['half a microsecond before the deposit', '2026-03-01T10:59:59.9999995Z', 1_000, 1_000, 1],
    ['the instant of the deposit, 16 hours behind UTC', '2026-02-28T19:00:00-16:00', 1_500, 1_500, 2],
    ['just before the deposit, 23:59 ahead of UTC', '2026-03-02T10:58:59.999+23:59', 1_000, 1_000, 1],
    ['the last instant RFC 3339 can name', '9999-12-31T23:59:59.999999999-23:59', 1_100, 1_000, 10],
  ])('at %s, then the balance the last event up to it left', async (_label, at, balance, availableBalance, version) => {
    const reply = await query.as(tokens.owner).get(balancePath(at));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ accountId: day.account.accountId, at, balance, availableBalance, version });
  });

  it.each([
    ['just before the account was opened', '2026-03-01T09:59:59.999999Z'],
    ['a nanosecond before it was opened', '2026-03-01T09:59:59.999999999Z'],
    ['the first instant RFC 3339 can name', '0001-01-01T00:00:00+23:59'],
  ])('given an instant %s, then 404 account-not-yet-opened', async (_label, at) => {
    const reply = await query.as(tokens.owner).get(balancePath(at));
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ type: `${PROBLEMS}account-not-yet-opened`, status: 404 });
  });

  describe('given clocks that disagreed: version 3 carries an earlier occurredAt than version 2', () => {
    let skewed: SeededAccount;
    const at = (time: string) => `2026-05-01T${time}Z`;

    beforeAll(async () => {
      skewed = await SeededAccount.open(query.pool, { ownerId: OWNER, at: at('10:00:00'), deposit: 1_000n });
      await skewed.apply({ type: 'MoneyDeposited', at: at('12:00:00'), amount: 100n, balanceChange: 100n });
      await skewed.apply({ type: 'MoneyWithdrawn', at: at('11:30:00'), amount: 50n, balanceChange: -50n });
      await skewed.apply({ type: 'MoneyDeposited', at: at('13:00:00'), amount: 10n, balanceChange: 10n });
    });

    it.each([
      ['before either', '11:29:59.999999', 1_000, 1],
      ['at version 3, the earlier instant: the state after it, version 2 included', '11:30:00', 1_050, 3],
      ['between the two', '11:59:59', 1_050, 3],
      ['at version 2, the later instant: still the state after version 3', '12:00:00', 1_050, 3],
      ['at version 4', '13:00:00', 1_060, 4],
    ])('at %s, then the state after the highest version that occurred at or before it', async (_label, time, balance, version) => {
      const reply = await query.as(tokens.owner).get(balancePath(at(time), skewed.accountId));
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ balance, availableBalance: balance, version });
    });
  });

  it('given an operator, then 200; given no token, then 401', async () => {
    expect((await query.as(tokens.operator).get(balancePath(hour(12)))).body).toMatchObject({ balance: 1_300, version: 3 });
    const anonymous = await query.get(balancePath(hour(12)), { authorization: '' });
    expect(anonymous.status).toBe(401);
  });

  it("given someone else's token, then 404 account-not-found, the same answer as a missing account's, at any instant", async () => {
    const missing = randomUUID();
    for (const at of [hour(12), hour(1)]) {
      const foreign = await query.as(tokens.stranger).get(balancePath(at));
      const absent = await query.as(tokens.stranger).get(balancePath(at, missing));
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ type: `${PROBLEMS}account-not-found` });
      expect(foreign.text.replaceAll(day.account.accountId, '<id>')).toBe(absent.text.replaceAll(missing, '<id>'));
    }
  });

  it.each([
    ['at missing', '', 'validation'],
    ['at empty', '?at=', 'validation'],
    ['at without an offset', '?at=2026-03-01T10:00:00', 'validation'],
    ['at as a date', '?at=2026-03-01', 'validation'],
    ['at with second 60', `?at=${q('2026-03-01T10:00:60Z')}`, 'validation'],
    ['at with a lower-case t', `?at=${q('2026-03-01t10:00:00Z')}`, 'validation'],
    ['at of 10,000 characters', `?at=${'9'.repeat(10_000)}`, 'validation'],
    ['at twice', `?at=${q(hour(1))}&at=${q(hour(2))}`, 'validation'],
    ['an unknown parameter', `?at=${q(hour(1))}&currency=EUR`, 'validation'],
  ])('given %s, then 400 %s', async (_label, parameters, type) => {
    const reply = await query.get(`/accounts/${day.account.accountId}/balance${parameters}`);
    expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 400, type: `${PROBLEMS}${type}` });
  });

  it('given a malformed account id, then 400 invalid-account-id', async () => {
    const reply = await query.get(`/accounts/123/balance?at=${q(hour(1))}`);
    expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 400, type: `${PROBLEMS}invalid-account-id` });
  });
});
