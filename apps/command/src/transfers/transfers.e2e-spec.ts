import { randomUUID } from 'node:crypto';
import { eventually } from '@ledger/testing';
import { type CommandAppHarness, type HttpResult, startTwoReplicas, untilNotConflicted } from '../testing/command-app.harness';
import { postRaw } from '../testing/raw-post';
import { commandAppWithIssuerSuite, OPERATOR_SCOPES } from '../testing/command-app-with-issuer.suite';

const ADA = 'user-ada';
const EVE = 'user-eve';
const PROBLEMS = 'https://ledger.example.com/problems/';

/** An account as the store has it: its version, and its balance and reservation after its last event that says. */
interface StoredAccount {
  readonly version: number;
  readonly balance: number;
  readonly reserved: number;
}

async function stored(app: CommandAppHarness, accountId: string): Promise<StoredAccount> {
  const { rows } = await app.db.query<{ version: string; balance: string; reserved: string | null }>(
    `SELECT version, data->>'balanceAfter' AS balance, data->>'reservedAfter' AS reserved
       FROM event_store.events WHERE stream_id = $1 AND data ? 'balanceAfter' ORDER BY version DESC LIMIT 1`,
    [accountId],
  );
  const { rows: versions } = await app.db.query<{ version: string }>(
    'SELECT max(version) AS version FROM event_store.events WHERE stream_id = $1',
    [accountId],
  );
  const last = rows[0];
  if (last === undefined) throw new Error(`account ${accountId} has no events`);
  return { version: Number(versions[0]?.version), balance: Number(last.balance), reserved: Number(last.reserved ?? 0) };
}

/** Everything the store holds, counted: a refused command leaves every count as it was. */
async function storeCounts(app: CommandAppHarness): Promise<Record<string, number>> {
  const { rows } = await app.db.query<Record<string, string>>(`
    SELECT (SELECT count(*) FROM event_store.events) AS events,
           (SELECT count(*) FROM event_store.streams) AS streams,
           (SELECT count(*) FROM event_store.snapshots) AS snapshots,
           (SELECT count(*) FROM event_store.idempotency_keys) AS keys,
           (SELECT count(*) FROM event_store.stream_deadlines) AS deadlines`);
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
}

function expectProblem(result: { status: number; body: Record<string, unknown> }, status: number, type: string): void {
  expect({ status: result.status, type: result.body['type'] }).toEqual({ status, type: `${PROBLEMS}${type}` });
}

describe('transfers over HTTP', () => {
  const suite = commandAppWithIssuerSuite();
  const app = () => suite().app;
  const as = (sub: string, scope?: string) => suite().as(sub, scope);

  async function open(sub: string, initialDeposit: number, currency = 'EUR', then: string[] = []): Promise<string> {
    const accountId = randomUUID();
    const client = await as(sub);
    expect((await client.post('/accounts', { owner: sub, currency, initialDeposit, accountId })).status).toBe(201);
    // Freezing is an operator's act: the harness's own token is one.
    for (const step of then) expect((await app().post(`/accounts/${accountId}/${step}`, {})).status).toBe(201);
    return accountId;
  }

  async function transfer(sub: string, body: Record<string, unknown>): Promise<HttpResult> {
    return (await as(sub)).post('/transfers', body);
  }

  const terms = (from: string, to: string, amount: number, extra: Record<string, unknown> = {}) => ({
    transferId: randomUUID(),
    fromAccountId: from,
    toAccountId: to,
    amount,
    currency: 'EUR',
    ...extra,
  });

  describe('the happy paths', () => {
    it('given Ada and Eve, when Ada transfers at once, then both accounts change and the answer tells only her own balance', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 500)];
      const body = terms(a, e, 300, { reference: 'rent' });

      const done = await transfer(ADA, body);

      expect(done.status).toBe(201);
      expect(done.headers.get('idempotent-replayed')).toBeNull();
      expect(done.body).toEqual({
        transferId: body.transferId,
        status: 'completed',
        amount: 300,
        currency: 'EUR',
        from: { accountId: a, version: 2, balance: 700, availableBalance: 700 },
        to: { accountId: e, version: 2 },
      });
      expect(await stored(app(), a)).toEqual({ version: 2, balance: 700, reserved: 0 });
      expect(await stored(app(), e)).toEqual({ version: 2, balance: 800, reserved: 0 });
    });

    it('given a hold, then the available balance drops and the account commands say so; a partial post moves that part and releases the rest', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 0)];
      const body = terms(a, e, 400, { pending: { timeoutSeconds: 600 } });

      const held = await transfer(ADA, body);
      const deposited = await (await as(ADA)).post(`/accounts/${a}/deposits`, { amount: 10 });
      const posted = await (await as(ADA)).post(`/transfers/${body.transferId}/post`, { amount: 150 });

      expect(held.status).toBe(201);
      expect(held.body).toMatchObject({
        status: 'pending',
        amount: 400,
        from: { version: 2, balance: 1000, availableBalance: 600 },
        to: { accountId: e, version: 1 },
      });
      expect(deposited.body).toMatchObject({ version: 3, balance: 1010, availableBalance: 610, reserved: 400 });
      expect(posted.status).toBe(201);
      expect(posted.body).toEqual({
        transferId: body.transferId,
        status: 'posted',
        amount: 400,
        currency: 'EUR',
        from: { accountId: a, version: 4, balance: 860, availableBalance: 860 },
        to: { accountId: e, version: 2 },
      });
      expect(await stored(app(), a)).toEqual({ version: 4, balance: 860, reserved: 0 });
      expect(await stored(app(), e)).toEqual({ version: 2, balance: 150, reserved: 0 });
    });

    it('given a hold, when voided, then all of it is released and the destination never moved', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 0)];
      const body = terms(a, e, 400, { pending: { timeoutSeconds: 600 } });
      expect((await transfer(ADA, body)).status).toBe(201);

      const voided = await (await as(ADA)).post(`/transfers/${body.transferId}/void`, {});

      expect(voided.status).toBe(201);
      expect(voided.body).toMatchObject({
        status: 'voided',
        amount: 400,
        from: { version: 3, balance: 1000, availableBalance: 1000 },
        to: { accountId: e, version: 1 },
      });
      expect(await stored(app(), a)).toEqual({ version: 3, balance: 1000, reserved: 0 });
      expect(await stored(app(), e)).toEqual({ version: 1, balance: 0, reserved: 0 });
    });

    it('given a post with an Idempotency-Key, when sent again, then the first response is replayed and nothing moves', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 0)];
      const body = terms(a, e, 400, { pending: { timeoutSeconds: 600 } });
      expect((await transfer(ADA, body)).status).toBe(201);
      const ada = await as(ADA);

      const first = await ada.post(`/transfers/${body.transferId}/post`, { amount: 100 }, { 'Idempotency-Key': 'post-once' });
      const again = await ada.post(`/transfers/${body.transferId}/post`, { amount: 100 }, { 'Idempotency-Key': 'post-once' });
      const other = await ada.post(`/transfers/${body.transferId}/post`, { amount: 99 }, { 'Idempotency-Key': 'post-once' });

      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expectProblem(other, 422, 'idempotency-key-reused');
      expect(await stored(app(), e)).toEqual({ version: 2, balance: 100, reserved: 0 });
    });
  });

  describe('hostile input', () => {
    interface Fixture {
      readonly ada: string;
      readonly ada2: string;
      readonly eve: string;
      readonly dollars: string;
      readonly frozen: string;
      readonly closed: string;
      /** Ada's pending hold of 100 from `ada` to `eve`. */
      readonly hold: string;
      /** Ada's completed transfer from `ada` to `eve`. */
      readonly completed: string;
      /** Ada's voided hold. */
      readonly voided: string;
    }

    interface HostileCase {
      readonly name: string;
      readonly sub?: string;
      readonly path: (f: Fixture) => string;
      readonly body?: (f: Fixture) => unknown;
      readonly raw?: (f: Fixture) => string;
      readonly status: number;
      readonly type: string;
      /** Fields the problem's `errors` must name. */
      readonly fields?: readonly string[];
    }

    let f: Fixture;
    const create = () => '/transfers';
    const postHold = (x: Fixture) => `/transfers/${x.hold}/post`;
    const voidHold = (x: Fixture) => `/transfers/${x.hold}/void`;
    const valid = (x: Fixture, extra: Record<string, unknown> = {}) => ({ ...terms(x.ada, x.eve, 10), ...extra });
    const rawCreate = (amount: string) => (x: Fixture) => JSON.stringify(valid(x)).replace('"amount":10', `"amount":${amount}`);
    /** A valid hold whose `pending` object is written as given (JSON.stringify would not write an own `__proto__`). */
    const rawPending = (pending: string) => (x: Fixture) => JSON.stringify(valid(x, { pending: 'PENDING' })).replace('"PENDING"', pending);

    const cases: HostileCase[] = [
      {
        name: 'create: malformed transferId',
        path: create,
        body: (x) => valid(x, { transferId: 'not-a-uuid' }),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: malformed fromAccountId',
        path: create,
        body: (x) => valid(x, { fromAccountId: "1' OR '1'='1" }),
        status: 400,
        type: 'validation',
      },
      { name: 'create: numeric toAccountId', path: create, body: (x) => valid(x, { toAccountId: 7 }), status: 400, type: 'validation' },
      { name: 'create: same account', path: create, body: (x) => valid(x, { toAccountId: x.ada }), status: 409, type: 'same-account' },
      {
        name: 'create: destination of another currency',
        path: create,
        body: (x) => valid(x, { toAccountId: x.dollars }),
        status: 409,
        type: 'currency-mismatch',
      },
      {
        name: 'create: transfer in another currency',
        path: create,
        body: (x) => valid(x, { currency: 'USD' }),
        status: 409,
        type: 'currency-mismatch',
      },
      { name: 'create: lower-case currency', path: create, body: (x) => valid(x, { currency: 'eur' }), status: 400, type: 'validation' },
      {
        name: 'create: missing currency',
        path: create,
        body: (x) => ({ ...valid(x), currency: undefined }),
        status: 400,
        type: 'validation',
      },
      { name: 'create: zero amount', path: create, body: (x) => valid(x, { amount: 0 }), status: 400, type: 'validation' },
      { name: 'create: negative amount', path: create, body: (x) => valid(x, { amount: -5 }), status: 400, type: 'validation' },
      { name: 'create: float amount', path: create, body: (x) => valid(x, { amount: 1.5 }), status: 400, type: 'validation' },
      { name: 'create: string amount', path: create, body: (x) => valid(x, { amount: '10' }), status: 400, type: 'validation' },
      { name: 'create: amount written as 10.0', path: create, raw: rawCreate('10.0'), status: 400, type: 'validation' },
      { name: 'create: amount one past the safe range', path: create, raw: rawCreate('9007199254740992'), status: 400, type: 'validation' },
      { name: 'create: amount of 20 digits', path: create, raw: rawCreate('12345678901234567890'), status: 400, type: 'validation' },
      { name: 'create: unknown field', path: create, body: (x) => valid(x, { note: 'x' }), status: 400, type: 'validation' },
      {
        name: 'create: __proto__ field',
        path: create,
        raw: (x) => JSON.stringify(valid(x)).replace('{', '{"__proto__":{"admin":true},'),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: __proto__ inside pending, beside a valid timeout',
        path: create,
        raw: rawPending('{"__proto__":{"timeoutSeconds":1,"admin":true},"timeoutSeconds":60}'),
        status: 400,
        type: 'validation',
        fields: ['pending.__proto__'],
      },
      {
        name: 'create: constructor.prototype inside pending',
        path: create,
        raw: rawPending('{"constructor":{"prototype":{}}}'),
        status: 400,
        type: 'validation',
        fields: ['pending.constructor'],
      },
      {
        name: 'create: prototype inside pending, beside a valid timeout',
        path: create,
        raw: rawPending('{"timeoutSeconds":60,"prototype":{"admin":true}}'),
        status: 400,
        type: 'validation',
        fields: ['pending.prototype'],
      },
      { name: 'create: null reference', path: create, body: (x) => valid(x, { reference: null }), status: 400, type: 'validation' },
      {
        name: 'create: reference of 141 characters',
        path: create,
        body: (x) => valid(x, { reference: 'r'.repeat(141) }),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: pending of 0 seconds',
        path: create,
        body: (x) => valid(x, { pending: { timeoutSeconds: 0 } }),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: pending past 30 days',
        path: create,
        body: (x) => valid(x, { pending: { timeoutSeconds: 2_592_001 } }),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: pending with a string timeout',
        path: create,
        body: (x) => valid(x, { pending: { timeoutSeconds: '5' } }),
        status: 400,
        type: 'validation',
      },
      {
        name: 'create: pending with an unknown field',
        path: create,
        body: (x) => valid(x, { pending: { timeoutSeconds: 5, x: 1 } }),
        status: 400,
        type: 'validation',
      },
      { name: 'create: pending as true', path: create, body: (x) => valid(x, { pending: true }), status: 400, type: 'validation' },
      {
        name: 'create: 100 KiB body',
        path: create,
        body: (x) => valid(x, { reference: 'x'.repeat(100 * 1024) }),
        status: 413,
        type: 'payload-too-large',
      },
      {
        name: "create: from Eve's account",
        path: create,
        body: (x) => valid(x, { fromAccountId: x.eve, toAccountId: x.ada }),
        status: 404,
        type: 'account-not-found',
      },
      {
        name: 'create: from an unknown account',
        path: create,
        body: (x) => valid(x, { fromAccountId: randomUUID() }),
        status: 404,
        type: 'account-not-found',
      },
      {
        name: 'create: to an unknown account',
        path: create,
        body: (x) => valid(x, { toAccountId: randomUUID() }),
        status: 404,
        type: 'account-not-found',
      },
      {
        name: 'create: more than the balance',
        path: create,
        body: (x) => valid(x, { amount: 100_000 }),
        status: 409,
        type: 'insufficient-funds',
      },
      {
        name: 'create: more than the available balance',
        path: create,
        body: (x) => valid(x, { amount: 950 }),
        status: 409,
        type: 'insufficient-funds',
      },
      {
        name: 'create: from a frozen account',
        path: create,
        body: (x) => valid(x, { fromAccountId: x.frozen }),
        status: 409,
        type: 'account-frozen',
      },
      {
        name: 'create: to a closed account',
        path: create,
        body: (x) => valid(x, { toAccountId: x.closed }),
        status: 409,
        type: 'account-closed',
      },
      {
        name: 'create: the id of a completed transfer, other terms',
        path: create,
        body: (x) => valid(x, { transferId: x.completed, amount: 11 }),
        status: 409,
        type: 'transfer-id-reused',
      },
      {
        name: 'post: malformed transfer id',
        path: () => '/transfers/not-a-uuid/post',
        body: () => ({}),
        status: 400,
        type: 'invalid-transfer-id',
      },
      {
        name: 'post: a transfer stream id',
        path: () => `/transfers/transfer-${randomUUID()}/post`,
        body: () => ({}),
        status: 400,
        type: 'invalid-transfer-id',
      },
      {
        name: 'post: unknown transfer',
        path: () => `/transfers/${randomUUID()}/post`,
        body: () => ({}),
        status: 404,
        type: 'transfer-not-found',
      },
      { name: 'post: zero amount', path: postHold, body: () => ({ amount: 0 }), status: 400, type: 'validation' },
      { name: 'post: negative amount', path: postHold, body: () => ({ amount: -1 }), status: 400, type: 'validation' },
      { name: 'post: float amount', path: postHold, body: () => ({ amount: 2.5 }), status: 400, type: 'validation' },
      { name: 'post: string amount', path: postHold, body: () => ({ amount: '5' }), status: 400, type: 'validation' },
      { name: 'post: null amount', path: postHold, body: () => ({ amount: null }), status: 400, type: 'validation' },
      { name: 'post: unsafe amount', path: postHold, raw: () => '{"amount":9007199254740993}', status: 400, type: 'validation' },
      { name: 'post: unknown field', path: postHold, body: () => ({ amount: 5, all: true }), status: 400, type: 'validation' },
      {
        name: 'post: __proto__ beside a valid amount',
        path: postHold,
        raw: () => '{"amount":5,"__proto__":{"amount":100}}',
        status: 400,
        type: 'validation',
        fields: ['__proto__'],
      },
      { name: 'post: more than held', path: postHold, body: () => ({ amount: 101 }), status: 409, type: 'post-exceeds-pending' },
      { name: "post: Ada's hold, by Eve", sub: EVE, path: postHold, body: () => ({}), status: 404, type: 'transfer-not-found' },
      {
        name: 'post: a completed transfer',
        path: (x) => `/transfers/${x.completed}/post`,
        body: () => ({}),
        status: 409,
        type: 'transfer-not-pending',
      },
      {
        name: 'post: a voided hold',
        path: (x) => `/transfers/${x.voided}/post`,
        body: () => ({}),
        status: 409,
        type: 'transfer-not-pending',
      },
      {
        name: 'post: 100 KiB body',
        path: postHold,
        raw: () => `{"amount":1,"x":"${'x'.repeat(100 * 1024)}"}`,
        status: 413,
        type: 'payload-too-large',
      },
      {
        name: 'void: malformed transfer id',
        path: () => '/transfers/123/void',
        body: () => ({}),
        status: 400,
        type: 'invalid-transfer-id',
      },
      {
        name: 'void: unknown transfer',
        path: () => `/transfers/${randomUUID()}/void`,
        body: () => ({}),
        status: 404,
        type: 'transfer-not-found',
      },
      { name: 'void: a field', path: voidHold, body: () => ({ amount: 5 }), status: 400, type: 'validation' },
      { name: "void: Ada's hold, by Eve", sub: EVE, path: voidHold, body: () => ({}), status: 404, type: 'transfer-not-found' },
      {
        name: 'void: a voided hold (void twice)',
        path: (x) => `/transfers/${x.voided}/void`,
        body: () => ({}),
        status: 409,
        type: 'transfer-not-pending',
      },
      {
        name: 'void: a completed transfer',
        path: (x) => `/transfers/${x.completed}/void`,
        body: () => ({}),
        status: 409,
        type: 'transfer-not-pending',
      },
    ];
    const passed = new Set<string>();

    beforeAll(async () => {
      const ada = await open(ADA, 1000);
      const eve = await open(EVE, 500);
      const hold = randomUUID();
      const completed = randomUUID();
      const voided = randomUUID();
      expect((await transfer(ADA, terms(ada, eve, 100, { transferId: hold, pending: { timeoutSeconds: 3600 } }))).status).toBe(201);
      expect((await transfer(ADA, terms(ada, eve, 10, { transferId: completed }))).status).toBe(201);
      expect((await transfer(ADA, terms(ada, eve, 10, { transferId: voided, pending: { timeoutSeconds: 3600 } }))).status).toBe(201);
      expect((await (await as(ADA)).post(`/transfers/${voided}/void`, {})).status).toBe(201);
      f = {
        ada,
        ada2: await open(ADA, 0),
        eve,
        dollars: await open(EVE, 0, 'USD'),
        frozen: await open(ADA, 50, 'EUR', ['freeze']),
        closed: await open(EVE, 0, 'EUR', ['close']),
        hold,
        completed,
        voided,
      };
    }, 60_000);

    it.each(cases)('$name → $status $type, and nothing changes', async (c) => {
      const token = await suite().issuer.mint({ sub: c.sub ?? ADA, scope: 'ledger:read ledger:write' });
      const before = await storeCounts(app());
      const payload = c.raw ? c.raw(f) : JSON.stringify(c.body?.(f) ?? {});

      const response = await postRaw(app().baseUrl, c.path(f), payload, { authorization: `Bearer ${token}` });

      expectProblem(response, c.status, c.type);
      const named = ((response.body['errors'] ?? []) as { field: string }[]).map((e) => e.field);
      expect(named).toEqual(expect.arrayContaining([...(c.fields ?? [])]));
      expect(await storeCounts(app())).toEqual(before);
      passed.add(c.name);
    });

    it('ran every case to its last assertion', async () => {
      expect(cases.filter((c) => !passed.has(c.name)).map((c) => c.name)).toEqual([]);
      expect(await stored(app(), f.ada)).toEqual({ version: 5, balance: 990, reserved: 100 });
    });

    it.each([
      ['POST /transfers', () => '/transfers', (x: Fixture) => valid(x)],
      ['POST /transfers/{id}/post', postHold, () => ({})],
      ['POST /transfers/{id}/void', voidHold, () => ({})],
    ])('%s without a token → 401, with a read-only token → 403, and nothing changes', async (_route, path, body) => {
      const before = await storeCounts(app());

      const anonymous = await app().withAuthorization(null).post(path(f), body(f));
      const readOnly = await (await as(ADA, 'ledger:read')).post(path(f), body(f));

      expectProblem(anonymous, 401, 'unauthenticated');
      expectProblem(readOnly, 403, 'insufficient-scope');
      expect(await storeCounts(app())).toEqual(before);
    });

    it('given a hold of 1 second, once its deadline passed, then post and void are refused as expired and no money moves', async () => {
      const body = terms(f.ada, f.eve, 5, { pending: { timeoutSeconds: 1 } });
      const initial = await stored(app(), f.ada);
      const held = await transfer(ADA, body);
      expect(held.status).toBe(201);
      const deadlines = () =>
        app().db.query<{ due_at: Date }>('SELECT due_at FROM event_store.stream_deadlines WHERE stream_id = $1', [
          `transfer-${body.transferId}`,
        ]);
      const { rows } = await deadlines();
      const deadline = rows[0]?.due_at.getTime() ?? Number.NaN;
      await eventually(() => Date.now() > deadline, 10_000, 'the hold to pass its deadline');
      const [source, destination] = [await stored(app(), f.ada), await stored(app(), f.eve)];

      const posted = await (await as(ADA)).post(`/transfers/${body.transferId}/post`, {});
      const voided = await (await as(ADA)).post(`/transfers/${body.transferId}/void`, {});

      expectProblem(posted, 409, 'transfer-expired');
      expectProblem(voided, 409, 'transfer-expired');
      // The expiry worker may release the hold meanwhile; nothing else may touch the accounts.
      const after = await stored(app(), f.ada);
      expect(after.balance).toBe(source.balance);
      expect(after.reserved === source.reserved || after.reserved === source.reserved - 5).toBe(true);
      expect(await stored(app(), f.eve)).toEqual(destination);
      // The release ends this case, so that it never lands in a later case's counts.
      await eventually(async () => (await deadlines()).rows.length === 0, 10_000, 'the expiry worker to release the hold');
      expect(await stored(app(), f.ada)).toMatchObject({ balance: initial.balance, reserved: initial.reserved });
    });
  });

  describe('effectively once', () => {
    it('given one transfer sent 20 times at once, then money moves once and every answer is the first one', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 0)];
      const body = terms(a, e, 250);
      const ada = await as(ADA);

      const answers = await Promise.all(Array.from({ length: 20 }, () => ada.post('/transfers', body)));

      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
      expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
      expect(answers[0]?.body).toMatchObject({ status: 'completed', from: { version: 2, balance: 750 } });
      expect(await stored(app(), a)).toEqual({ version: 2, balance: 750, reserved: 0 });
      expect(await stored(app(), e)).toEqual({ version: 2, balance: 250, reserved: 0 });
    });

    it('given a transfer, when its id comes again later, then the same body replays the first answer and another body is transfer-id-reused', async () => {
      const [a, e] = [await open(ADA, 1000), await open(EVE, 0)];
      const body = terms(a, e, 100);
      const first = await transfer(ADA, body);
      expect((await (await as(ADA)).post(`/accounts/${a}/deposits`, { amount: 1 })).status).toBe(201);
      const before = await storeCounts(app());

      const again = await transfer(ADA, body);
      const reordered = await transfer(ADA, Object.fromEntries(Object.entries(body).reverse()));
      const other = await transfer(ADA, { ...body, amount: 101 });
      const asHold = await transfer(ADA, { ...body, pending: { timeoutSeconds: 60 } });
      const byOperator = await (await as('ops', OPERATOR_SCOPES)).post('/transfers', body);

      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(reordered.body).toEqual(first.body);
      expectProblem(other, 409, 'transfer-id-reused');
      expectProblem(asHold, 409, 'transfer-id-reused');
      expectProblem(byOperator, 409, 'transfer-id-reused');
      expect(await storeCounts(app())).toEqual(before);
    });

    it('given a transfer refused for funds, then nothing was recorded: the same id goes through once funds arrive', async () => {
      const [a, e] = [await open(ADA, 10), await open(EVE, 0)];
      const body = terms(a, e, 50);

      const refused = await transfer(ADA, body);
      expect((await (await as(ADA)).post(`/accounts/${a}/deposits`, { amount: 40 })).status).toBe(201);
      const retried = await transfer(ADA, body);

      expectProblem(refused, 409, 'insufficient-funds');
      expect(refused.body).toMatchObject({ balance: 10, requested: 50 });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(await stored(app(), a)).toEqual({ version: 3, balance: 0, reserved: 0 });
    });
  });
});

describe('opposite transfers on two replicas', () => {
  it('given A→B and B→A racing on two replicas without the per-account queue (clients retrying a concurrency conflict), then all succeed once, without deadlock, and the balances are conserved', async () => {
    const { app, replica, close } = await startTwoReplicas({ COMMAND_ACCOUNT_QUEUE: 'off' });
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      for (const accountId of [a, b]) {
        expect((await app.post('/accounts', { owner: 'Pair', currency: 'EUR', initialDeposit: 1000, accountId })).status).toBe(201);
      }
      const body = (from: string, to: string, amount: number) => ({
        transferId: randomUUID(),
        fromAccountId: from,
        toAccountId: to,
        amount,
        currency: 'EUR',
      });

      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const terms = i % 2 ? body(a, b, 3) : body(b, a, 2);
          return untilNotConflicted(() => (i % 2 ? app : replica).post('/transfers', terms));
        }),
      );

      expect(answers.map((r) => [r.status, r.body['type']])).toEqual(Array.from({ length: 30 }, () => [201, undefined]));
      const [sa, sb] = [await stored(app, a), await stored(app, b)];
      expect(sa.balance + sb.balance).toBe(2000);
      expect(sa).toEqual({ version: 31, balance: 1000 - 15 * 3 + 15 * 2, reserved: 0 });
      expect(sb.version).toBe(31);
    } finally {
      await close();
    }
  }, 60_000);
});
