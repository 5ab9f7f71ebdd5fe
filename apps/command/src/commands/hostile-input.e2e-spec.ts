import { randomUUID } from 'node:crypto';
import { CommandAppHarness, startCommandApp } from '../testing/command-app.harness';
import { postRaw } from '../testing/raw-post';

interface HostileCase {
  readonly name: string;
  readonly path: (ids: Accounts) => string;
  readonly body?: unknown;
  /** Raw text sent as is (malformed JSON, huge numbers JSON.stringify cannot write). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type: string;
}

interface Accounts {
  readonly active: string;
  readonly frozen: string;
  readonly closed: string;
  readonly full: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const deposit = (ids: Accounts) => `/accounts/${ids.active}/deposits`;
const withdraw = (ids: Accounts) => `/accounts/${ids.active}/withdrawals`;
const open = () => '/accounts';
const validOpen = { owner: 'Eve', currency: 'EUR' };

const cases: HostileCase[] = [
  { name: 'float amount', path: deposit, body: { amount: 1.5 }, status: 400, type: 'validation' },
  { name: 'negative amount', path: deposit, body: { amount: -5 }, status: 400, type: 'validation' },
  { name: 'zero amount', path: deposit, body: { amount: 0 }, status: 400, type: 'validation' },
  { name: 'string amount', path: deposit, body: { amount: '10' }, status: 400, type: 'validation' },
  // JSON.parse reads each of these as an integer: only the text shows it was not written as one.
  ...['1.0', '1e2', '1E2', '100.00', '1.0000000000000001', '-0'].map(
    (literal): HostileCase => ({
      name: `amount written as ${literal}`,
      path: deposit,
      raw: `{"amount":${literal}}`,
      status: 400,
      type: 'validation',
    }),
  ),
  {
    name: 'initial deposit written as 0.0',
    path: open,
    raw: JSON.stringify(validOpen).replace('}', ',"initialDeposit":0.0}'),
    status: 400,
    type: 'validation',
  },
  { name: 'exponent amount below one', path: deposit, raw: '{"amount":1e-2}', status: 400, type: 'validation' },
  { name: 'exponent amount overflowing to Infinity', path: deposit, raw: '{"amount":1e400}', status: 400, type: 'validation' },
  { name: 'null amount', path: deposit, body: { amount: null }, status: 400, type: 'validation' },
  { name: 'boolean amount', path: deposit, body: { amount: true }, status: 400, type: 'validation' },
  { name: 'array amount', path: deposit, body: { amount: [1] }, status: 400, type: 'validation' },
  { name: 'object amount', path: deposit, body: { amount: { value: 1 } }, status: 400, type: 'validation' },
  { name: 'missing amount', path: withdraw, body: {}, status: 400, type: 'validation' },
  { name: 'extra field', path: deposit, body: { amount: 1, note: 'x' }, status: 400, type: 'validation' },
  { name: 'array body', path: deposit, body: [{ amount: 1 }], status: 400, type: 'validation' },
  { name: 'malformed JSON', path: deposit, raw: '{"amount":', status: 400, type: 'malformed-json' },
  { name: 'top-level JSON string', path: deposit, raw: '"amount"', status: 400, type: 'malformed-json' },
  { name: 'amount one past the safe range', path: deposit, raw: '{"amount":9007199254740992}', status: 400, type: 'validation' },
  { name: 'amount of 20 digits', path: deposit, raw: '{"amount":12345678901234567890}', status: 400, type: 'validation' },
  { name: '__proto__ pollution', path: deposit, raw: '{"__proto__":{"amount":1}}', status: 400, type: 'validation' },
  {
    name: '__proto__ beside a valid amount',
    path: deposit,
    raw: '{"amount":1,"__proto__":{"admin":true}}',
    status: 400,
    type: 'validation',
  },
  {
    name: 'constructor pollution',
    path: deposit,
    raw: '{"amount":1,"constructor":{"prototype":{"admin":true}}}',
    status: 400,
    type: 'validation',
  },
  {
    name: 'text/plain content type',
    path: deposit,
    raw: '{"amount":1}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'form content type',
    path: deposit,
    raw: 'amount=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'unsupported-media-type',
  },
  { name: '100 KiB body', path: open, body: { ...validOpen, owner: 'x'.repeat(100 * 1024) }, status: 413, type: 'payload-too-large' },
  {
    name: 'malformed account id',
    path: () => '/accounts/not-a-uuid/deposits',
    body: { amount: 1 },
    status: 400,
    type: 'invalid-account-id',
  },
  {
    name: 'SQL in the account id',
    path: () => `/accounts/${encodeURIComponent("1' OR '1'='1")}/deposits`,
    body: { amount: 1 },
    status: 400,
    type: 'invalid-account-id',
  },
  {
    name: 'unknown account',
    path: () => `/accounts/${randomUUID()}/deposits`,
    body: { amount: 1 },
    status: 404,
    type: 'account-not-found',
  },
  { name: 'unknown route', path: (ids) => `/accounts/${ids.active}/transfers`, body: { amount: 1 }, status: 404, type: 'not-found' },
  { name: 'empty owner', path: open, body: { ...validOpen, owner: '' }, status: 400, type: 'validation' },
  { name: 'blank owner', path: open, body: { ...validOpen, owner: '   ' }, status: 400, type: 'validation' },
  { name: 'owner of 201 characters', path: open, body: { ...validOpen, owner: 'o'.repeat(201) }, status: 400, type: 'validation' },
  { name: 'owner with a NUL character', path: open, body: { ...validOpen, owner: 'Eve\u0000Mallory' }, status: 400, type: 'validation' },
  { name: 'numeric owner', path: open, body: { ...validOpen, owner: 42 }, status: 400, type: 'validation' },
  { name: 'lower-case currency', path: open, body: { ...validOpen, currency: 'eur' }, status: 400, type: 'validation' },
  { name: 'four-letter currency', path: open, body: { ...validOpen, currency: 'EURO' }, status: 400, type: 'validation' },
  { name: 'unassigned currency code', path: open, body: { ...validOpen, currency: 'XYZ' }, status: 400, type: 'validation' },
  { name: 'missing currency', path: open, body: { owner: 'Eve' }, status: 400, type: 'validation' },
  { name: 'negative initial deposit', path: open, body: { ...validOpen, initialDeposit: -1 }, status: 400, type: 'validation' },
  { name: 'fractional initial deposit', path: open, body: { ...validOpen, initialDeposit: 0.5 }, status: 400, type: 'validation' },
  { name: 'null initial deposit', path: open, body: { ...validOpen, initialDeposit: null }, status: 400, type: 'validation' },
  {
    name: 'malformed client account id',
    path: open,
    body: { ...validOpen, accountId: "abc'; DROP TABLE event_store.events; --" },
    status: 400,
    type: 'validation',
  },
  { name: 'existing account id', path: open, body: { ...validOpen, accountId: 'ACTIVE' }, status: 409, type: 'account-already-exists' },
  {
    name: 'reason of 501 characters',
    path: (ids) => `/accounts/${ids.active}/freeze`,
    body: { reason: 'r'.repeat(501) },
    status: 400,
    type: 'validation',
  },
  { name: 'numeric reason', path: (ids) => `/accounts/${ids.active}/freeze`, body: { reason: 7 }, status: 400, type: 'validation' },
  {
    name: 'unfreeze an active account',
    path: (ids) => `/accounts/${ids.active}/unfreeze`,
    body: {},
    status: 409,
    type: 'account-not-frozen',
  },
  { name: 'close with money left', path: (ids) => `/accounts/${ids.active}/close`, body: {}, status: 409, type: 'balance-not-zero' },
  { name: 'close with a field', path: (ids) => `/accounts/${ids.active}/close`, body: { force: true }, status: 400, type: 'validation' },
  { name: 'withdraw more than the balance', path: withdraw, body: { amount: 1001 }, status: 409, type: 'insufficient-funds' },
  {
    name: 'deposit to a frozen account',
    path: (ids) => `/accounts/${ids.frozen}/deposits`,
    body: { amount: 1 },
    status: 409,
    type: 'account-frozen',
  },
  {
    name: 'deposit to a closed account',
    path: (ids) => `/accounts/${ids.closed}/deposits`,
    body: { amount: 1 },
    status: 409,
    type: 'account-closed',
  },
  {
    name: 'deposit past the safe balance',
    path: (ids) => `/accounts/${ids.full}/deposits`,
    body: { amount: 1 },
    status: 409,
    type: 'balance-overflow',
  },
  { name: 'malformed If-Match', path: deposit, body: { amount: 1 }, headers: { 'if-match': 'abc' }, status: 400, type: 'invalid-if-match' },
  { name: 'stale If-Match', path: deposit, body: { amount: 1 }, headers: { 'if-match': '"99"' }, status: 412, type: 'version-mismatch' },
  {
    name: 'Idempotency-Key of 201 characters',
    path: deposit,
    body: { amount: 1 },
    headers: { 'idempotency-key': 'k'.repeat(201) },
    status: 400,
    type: 'invalid-idempotency-key',
  },
  {
    name: 'Idempotency-Key with spaces',
    path: deposit,
    body: { amount: 1 },
    headers: { 'idempotency-key': 'a key' },
    status: 400,
    type: 'invalid-idempotency-key',
  },
  {
    name: 'oversized headers',
    path: deposit,
    body: { amount: 1 },
    headers: { 'x-filler': 'h'.repeat(20_000) },
    status: 431,
    type: 'headers-too-large',
  },
];

async function tableCounts(app: CommandAppHarness): Promise<Record<string, number>> {
  const { rows } = await app.db.query<Record<string, string>>(`
    SELECT (SELECT count(*) FROM event_store.events) AS events,
           (SELECT count(*) FROM event_store.streams) AS streams,
           (SELECT count(*) FROM event_store.snapshots) AS snapshots,
           (SELECT count(*) FROM event_store.idempotency_keys) AS keys`);
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
}

describe('hostile input to the command API', () => {
  let app: CommandAppHarness;
  let ids: Accounts;
  const passed = new Set<string>();

  beforeAll(async () => {
    app = await startCommandApp();
    const opened = async (initialDeposit: number, then: string[] = []) => {
      const accountId = randomUUID();
      expect((await app.post('/accounts', { owner: 'Target', currency: 'EUR', initialDeposit, accountId })).status).toBe(201);
      for (const step of then) expect((await app.post(`/accounts/${accountId}/${step}`, {})).status).toBe(201);
      return accountId;
    };
    ids = {
      active: await opened(1000),
      frozen: await opened(5, ['freeze']),
      closed: await opened(0, ['close']),
      full: await opened(MAX_SAFE),
    };
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it.each(cases)('$name → $status $type, and nothing is written', async (c) => {
    const before = await tableCounts(app);
    const payload = c.raw ?? JSON.stringify(c.body === undefined ? {} : c.body).replace('"ACTIVE"', JSON.stringify(ids.active));

    const response = await postRaw(app.baseUrl, c.path(ids), payload, { authorization: app.authorization, ...c.headers });

    expect(response.status).toBe(c.status);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: c.status, title: expect.any(String) });
    expect(response.body['type']).toBe(`https://ledger.example.com/problems/${c.type}`);
    expect(await tableCounts(app)).toEqual(before);
    passed.add(c.name);
  });

  // Declared after the cases, so it runs after them: it fails when a case was skipped, filtered out,
  // or never reached its last assertion, not only when the list is short.
  it('ran every case to its last assertion, and there are at least 40', () => {
    expect(cases.filter((c) => !passed.has(c.name)).map((c) => c.name)).toEqual([]);
    expect(passed.size).toBeGreaterThanOrEqual(40);
  });

  it('stores SQL-looking text verbatim: it is data, never code', async () => {
    const owner = "Robert'); DROP TABLE event_store.events; --";
    const opened = await app.post('/accounts', { owner, currency: 'EUR' });
    expect(opened.status).toBe(201);
    const { rows } = await app.db.query(`SELECT data->>'owner' AS owner FROM event_store.events WHERE stream_id = $1`, [
      opened.body['accountId'],
    ]);
    expect(rows[0].owner).toBe(owner);
  });

  it('echoes a sane X-Correlation-Id and replaces a hostile one', async () => {
    const sane = await postRaw(app.baseUrl, `/accounts/${ids.active}/deposits`, '{"amount":"x"}', {
      authorization: app.authorization,
      'x-correlation-id': 'abc-123',
    });
    expect(sane.status).toBe(400);
    const echoed = await app.post(`/accounts/${ids.active}/deposits`, { amount: 'x' }, { 'X-Correlation-Id': 'abc-123' });
    expect(echoed.headers.get('x-correlation-id')).toBe('abc-123');
    const hostile = await app.post(
      `/accounts/${ids.active}/deposits`,
      { amount: 'x' },
      { 'X-Correlation-Id': '<script>alert(1)</script>' },
    );
    expect(hostile.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
