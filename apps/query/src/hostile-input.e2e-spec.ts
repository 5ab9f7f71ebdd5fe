import { randomUUID } from 'node:crypto';
import { CursorCodec, TRANSACTIONS_CURSOR } from './cursors/cursor.codec';
import { AccountStory } from './testing/account-story.fixture';
import { startQueryApp, type QueryApp } from './testing/query-app.harness';

interface Fixture {
  readonly account: string;
  /** A real next-page cursor of `account`'s history, and of the owner listing of 'Mallory'. */
  readonly historyCursor: string;
  readonly otherHistoryCursor: string;
  readonly ownerCursor: string;
}

interface HostileCase {
  readonly name: string;
  readonly path: (f: Fixture) => string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type: string;
}

const account = (f: Fixture) => `/accounts/${f.account}`;
const history = (f: Fixture) => `/accounts/${f.account}/transactions`;
const stream = (f: Fixture) => `/accounts/${f.account}/stream`;
const owner = '/accounts?owner=Mallory';
const q = encodeURIComponent;
const flip = (token: string, at: number) => `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;

const cases: HostileCase[] = [
  // Account ids
  { name: 'malformed account id', path: () => '/accounts/not-a-uuid', status: 400, type: 'invalid-account-id' },
  { name: 'SQL in the account id', path: () => `/accounts/${q("1' OR '1'='1")}`, status: 400, type: 'invalid-account-id' },
  { name: 'uuid without dashes', path: () => `/accounts/${randomUUID().replace(/-/g, '')}`, status: 400, type: 'invalid-account-id' },
  { name: 'uuid with a trailing character', path: (f) => `/accounts/${f.account}0`, status: 400, type: 'invalid-account-id' },
  { name: 'malformed id on the history', path: () => '/accounts/123/transactions', status: 400, type: 'invalid-account-id' },
  { name: 'malformed id on the stream', path: () => `/accounts/${q('<script>')}/stream`, status: 400, type: 'invalid-account-id' },
  { name: 'unknown account', path: () => `/accounts/${randomUUID()}`, status: 404, type: 'account-not-found' },
  { name: 'unknown account history', path: () => `/accounts/${randomUUID()}/transactions`, status: 404, type: 'account-not-found' },
  { name: 'unknown account stream', path: () => `/accounts/${randomUUID()}/stream`, status: 404, type: 'account-not-found' },
  { name: 'unknown route', path: (f) => `/accounts/${f.account}/balances`, status: 404, type: 'not-found' },
  // minVersion and waitMs
  { name: 'negative minVersion', path: (f) => `${account(f)}?minVersion=-1`, status: 400, type: 'validation' },
  { name: 'zero minVersion', path: (f) => `${account(f)}?minVersion=0`, status: 400, type: 'validation' },
  { name: 'fractional minVersion', path: (f) => `${account(f)}?minVersion=1.5`, status: 400, type: 'validation' },
  { name: 'exponent minVersion', path: (f) => `${account(f)}?minVersion=1e3`, status: 400, type: 'validation' },
  { name: 'string minVersion', path: (f) => `${account(f)}?minVersion=latest`, status: 400, type: 'validation' },
  { name: 'empty minVersion', path: (f) => `${account(f)}?minVersion=`, status: 400, type: 'validation' },
  { name: 'minVersion with a plus sign', path: (f) => `${account(f)}?minVersion=${q('+5')}`, status: 400, type: 'validation' },
  { name: 'minVersion with a space', path: (f) => `${account(f)}?minVersion=${q(' 5')}`, status: 400, type: 'validation' },
  { name: 'hexadecimal minVersion', path: (f) => `${account(f)}?minVersion=0x10`, status: 400, type: 'validation' },
  { name: 'minVersion one past the safe range', path: (f) => `${account(f)}?minVersion=9007199254740992`, status: 400, type: 'validation' },
  { name: 'minVersion of 30 digits', path: (f) => `${account(f)}?minVersion=${'9'.repeat(30)}`, status: 400, type: 'validation' },
  { name: 'minVersion twice', path: (f) => `${account(f)}?minVersion=1&minVersion=2`, status: 400, type: 'validation' },
  { name: 'negative waitMs', path: (f) => `${account(f)}?minVersion=1&waitMs=-1`, status: 400, type: 'validation' },
  { name: 'waitMs beyond 10000', path: (f) => `${account(f)}?minVersion=1&waitMs=10001`, status: 400, type: 'validation' },
  { name: 'huge waitMs', path: (f) => `${account(f)}?minVersion=1&waitMs=${'9'.repeat(20)}`, status: 400, type: 'validation' },
  { name: 'fractional waitMs', path: (f) => `${account(f)}?minVersion=1&waitMs=0.5`, status: 400, type: 'validation' },
  { name: 'string waitMs', path: (f) => `${account(f)}?minVersion=1&waitMs=forever`, status: 400, type: 'validation' },
  { name: 'unknown parameter on an account', path: (f) => `${account(f)}?expand=all`, status: 400, type: 'validation' },
  { name: '__proto__ parameter', path: (f) => `${account(f)}?__proto__=1`, status: 400, type: 'validation' },
  { name: 'constructor parameter', path: (f) => `${account(f)}?constructor=1`, status: 400, type: 'validation' },
  { name: 'bracketed parameter', path: (f) => `${account(f)}?minVersion[gt]=1`, status: 400, type: 'validation' },
  // limit
  { name: 'limit 0', path: (f) => `${history(f)}?limit=0`, status: 400, type: 'validation' },
  { name: 'limit 201', path: (f) => `${history(f)}?limit=201`, status: 400, type: 'validation' },
  { name: 'negative limit', path: (f) => `${history(f)}?limit=-5`, status: 400, type: 'validation' },
  { name: 'fractional limit', path: (f) => `${history(f)}?limit=2.5`, status: 400, type: 'validation' },
  { name: 'string limit', path: (f) => `${history(f)}?limit=all`, status: 400, type: 'validation' },
  { name: 'empty limit', path: (f) => `${history(f)}?limit=`, status: 400, type: 'validation' },
  { name: 'limit twice', path: (f) => `${history(f)}?limit=1&limit=2`, status: 400, type: 'validation' },
  { name: 'limit of 20 digits on the owner listing', path: () => `${owner}&limit=${'1'.repeat(20)}`, status: 400, type: 'validation' },
  { name: 'limit 0 on the owner listing', path: () => `${owner}&limit=0`, status: 400, type: 'validation' },
  // Cursors
  { name: 'garbage cursor', path: (f) => `${history(f)}?cursor=abc`, status: 400, type: 'invalid-cursor' },
  { name: 'empty cursor', path: (f) => `${history(f)}?cursor=`, status: 400, type: 'invalid-cursor' },
  { name: 'SQL cursor', path: (f) => `${history(f)}?cursor=${q("' OR 1=1 --")}`, status: 400, type: 'invalid-cursor' },
  {
    name: 'oversized cursor',
    path: (f) => `${history(f)}?cursor=${'a'.repeat(5_000)}.${'b'.repeat(43)}`,
    status: 400,
    type: 'invalid-cursor',
  },
  {
    name: 'cursor with its payload tampered',
    path: (f) => `${history(f)}?cursor=${flip(f.historyCursor, 3)}`,
    status: 400,
    type: 'invalid-cursor',
  },
  {
    name: 'cursor with its signature tampered',
    path: (f) => `${history(f)}?cursor=${flip(f.historyCursor, f.historyCursor.length - 1)}`,
    status: 400,
    type: 'invalid-cursor',
  },
  {
    name: 'cursor without its signature',
    path: (f) => `${history(f)}?cursor=${f.historyCursor.split('.')[0]}`,
    status: 400,
    type: 'invalid-cursor',
  },
  { name: "another account's cursor", path: (f) => `${history(f)}?cursor=${f.otherHistoryCursor}`, status: 400, type: 'invalid-cursor' },
  {
    name: "the owner listing's cursor on a history",
    path: (f) => `${history(f)}?cursor=${f.ownerCursor}`,
    status: 400,
    type: 'invalid-cursor',
  },
  {
    name: "a history's cursor on the owner listing",
    path: (f) => `${owner}&cursor=${f.historyCursor}`,
    status: 400,
    type: 'invalid-cursor',
  },
  { name: "another owner's cursor", path: (f) => `/accounts?owner=Mallorie&cursor=${f.ownerCursor}`, status: 400, type: 'invalid-cursor' },
  {
    name: 'cursor signed with another secret',
    path: (f) => `${history(f)}?cursor=${new CursorCodec('x'.repeat(40)).encode(TRANSACTIONS_CURSOR, f.account, 2)}`,
    status: 400,
    type: 'invalid-cursor',
  },
  {
    name: 'cursor twice',
    path: (f) => `${history(f)}?cursor=${f.historyCursor}&cursor=${f.historyCursor}`,
    status: 400,
    type: 'validation',
  },
  { name: 'unknown parameter on a history', path: (f) => `${history(f)}?offset=10`, status: 400, type: 'validation' },
  // Owners
  { name: 'owner and ownerId at once', path: () => '/accounts?owner=Eve&ownerId=eve', status: 400, type: 'validation' },
  { name: 'empty ownerId', path: () => '/accounts?ownerId=', status: 400, type: 'validation' },
  { name: 'empty owner', path: () => '/accounts?owner=', status: 400, type: 'validation' },
  { name: 'owner of 201 characters', path: () => `/accounts?owner=${'o'.repeat(201)}`, status: 400, type: 'validation' },
  { name: 'owner with a NUL character', path: () => `/accounts?owner=${q('Eve\u0000')}`, status: 400, type: 'validation' },
  { name: 'owner with a newline', path: () => `/accounts?owner=${q('Eve\nMallory')}`, status: 400, type: 'validation' },
  { name: 'owner twice', path: () => '/accounts?owner=Eve&owner=Mallory', status: 400, type: 'validation' },
  { name: 'bracketed owner', path: () => `/accounts?${q('owner[$ne]')}=x`, status: 400, type: 'validation' },
  { name: 'unknown parameter on the owner listing', path: () => `${owner}&sort=balance`, status: 400, type: 'validation' },
  { name: 'oversized URL', path: () => `/accounts?owner=${'x'.repeat(20_000)}`, status: 431, type: 'headers-too-large' },
  // Streams
  { name: 'unknown parameter on a stream', path: (f) => `${stream(f)}?from=0`, status: 400, type: 'validation' },
  { name: 'non-numeric Last-Event-ID', path: stream, headers: { 'last-event-id': 'abc' }, status: 400, type: 'invalid-last-event-id' },
  { name: 'negative Last-Event-ID', path: stream, headers: { 'last-event-id': '-1' }, status: 400, type: 'invalid-last-event-id' },
  { name: 'fractional Last-Event-ID', path: stream, headers: { 'last-event-id': '1.5' }, status: 400, type: 'invalid-last-event-id' },
  {
    name: 'Last-Event-ID past the safe range',
    path: stream,
    headers: { 'last-event-id': '9007199254740992' },
    status: 400,
    type: 'invalid-last-event-id',
  },
  {
    name: 'SQL Last-Event-ID',
    path: stream,
    headers: { 'last-event-id': '1; DROP TABLE read_model.accounts' },
    status: 400,
    type: 'invalid-last-event-id',
  },
];

async function rowCounts(query: QueryApp): Promise<string> {
  const { rows } = await query.pool.query(
    'SELECT (SELECT count(*) FROM read_model.accounts) AS accounts, (SELECT count(*) FROM read_model.account_transactions) AS transactions',
  );
  return JSON.stringify(rows[0]);
}

describe('hostile input to the query API', () => {
  let query: QueryApp;
  let fixture: Fixture;

  beforeAll(async () => {
    query = await startQueryApp();
    const target = new AccountStory({ owner: 'Mallory', steps: [{ deposit: 1n }, { deposit: 2n }] });
    const other = new AccountStory({ owner: 'Mallory', steps: [{ deposit: 1n }, { deposit: 2n }] });
    await query.project([...target.messages(), ...other.messages()]);
    const page = async (path: string) => {
      const reply = await query.get(path);
      expect(reply.body.nextCursor).toEqual(expect.any(String));
      return reply.body.nextCursor as string;
    };
    fixture = {
      account: target.accountId,
      historyCursor: await page(`/accounts/${target.accountId}/transactions?limit=1`),
      otherHistoryCursor: await page(`/accounts/${other.accountId}/transactions?limit=1`),
      ownerCursor: await page('/accounts?owner=Mallory&limit=1'),
    };
  }, 60_000);

  afterAll(async () => {
    await query.close();
  });

  it('has at least 60 cases, and real cursors to tamper with', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect((await query.get(`${history(fixture)}?cursor=${fixture.historyCursor}`)).status).toBe(200);
    expect((await query.get(`${owner}&cursor=${fixture.ownerCursor}`)).status).toBe(200);
  });

  it.each(cases)('$name → $status $type, and nothing changes', async (c) => {
    const before = await rowCounts(query);

    const reply = await query.get(c.path(fixture), c.headers);

    expect({ status: reply.status, type: reply.body?.type }).toEqual({
      status: c.status,
      type: `https://ledger.example.com/problems/${c.type}`,
    });
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: c.status, title: expect.any(String) });
    expect(await rowCounts(query)).toEqual(before);
  });

  it('treats SQL-looking owners as data: an empty page, not an error', async () => {
    for (const hostile of ["' OR 1=1 --", "Mallory' --", "'; DROP TABLE read_model.accounts; --", '%', '_', '\\']) {
      const reply = await query.get(`/accounts?owner=${q(hostile)}`);
      expect({ owner: hostile, status: reply.status, body: reply.body }).toEqual({ owner: hostile, status: 200, body: { items: [] } });
    }
    expect((await query.get(owner)).body.items).toHaveLength(2);
  });

  it('lists every field a validation problem found', async () => {
    const reply = await query.get(`${history(fixture)}?limit=0&cursor=a&cursor=b`);
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cursor', 'limit']);
  });
});
