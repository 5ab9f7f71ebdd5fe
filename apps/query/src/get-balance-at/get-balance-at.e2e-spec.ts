import { mintToken } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { hour, seedAccountDay, type AccountDay } from '../testing/account-year.fixture';
import { queryAppSuite } from '../testing/query-app.harness';

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
  ])('at %s, then the balance the last event up to it left', async (_label, at, balance, availableBalance, version) => {
    const reply = await query.as(tokens.owner).get(balancePath(at));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ accountId: day.account.accountId, at, balance, availableBalance, version });
  });

  it('given an instant before the account was opened, then 404 account-not-yet-opened', async () => {
    const reply = await query.as(tokens.owner).get(balancePath('2026-03-01T09:59:59.999Z'));
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ type: `${PROBLEMS}account-not-yet-opened`, status: 404 });
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
