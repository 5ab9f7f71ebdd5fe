import { randomUUID } from 'node:crypto';
import { countEvents, type HttpResult } from '../testing/command-app.harness';
import { commandAppWithIssuerSuite, OPERATOR_SCOPES as OPERATE } from '../testing/command-app-with-issuer.suite';

/** Tokens from a real OpenID Connect issuer, verified by the real app: who may command which account. */
describe('account ownership on the command side', () => {
  const suite = commandAppWithIssuerSuite();
  const as = (sub: string, scope?: string) => suite().as(sub, scope);
  const db = () => suite().app.db;

  async function openedBy(sub: string, body: Record<string, unknown> = {}): Promise<string> {
    const accountId = randomUUID();
    const opened = await (await as(sub)).post('/accounts', { owner: 'Ada', currency: 'EUR', initialDeposit: 100, accountId, ...body });
    expect(opened.status).toBe(201);
    return accountId;
  }

  async function storedEvents(
    accountId: string,
  ): Promise<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[]> {
    const { rows } = await db().query('SELECT type, data, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY version', [
      accountId,
    ]);
    return rows;
  }

  function expectNotFound(result: HttpResult, accountId: string): void {
    expect(result.status).toBe(404);
    expect(result.body['type']).toMatch(/\/account-not-found$/);
    expect(result.body['detail']).toBe(`Account ${accountId} does not exist.`);
    expect(result.body).not.toHaveProperty('currentVersion');
    expect(result.headers.get('etag')).toBeNull();
  }

  it("given an account opened with Ada's token, then its opening event records her sub as ownerId and her as the actor", async () => {
    const accountId = await openedBy('user-ada');

    const [opened] = await storedEvents(accountId);

    expect(opened?.type).toBe('AccountOpened');
    expect(opened?.data).toMatchObject({ owner: 'Ada', ownerId: 'user-ada' });
    expect(opened?.metadata['actor']).toEqual({ sub: 'user-ada', clientId: 'ledger-dev' });
  });

  describe("Eve, without ledger:operate, on Ada's account", () => {
    const routes: [string, string, Record<string, unknown>][] = [
      ['deposit', 'deposits', { amount: 5 }],
      ['withdraw', 'withdrawals', { amount: 5 }],
      ['close', 'close', {}],
    ];

    it.each(routes)(
      'given a %s, then 404 account-not-found exactly as for a missing account, and nothing is appended',
      async (_label, route, body) => {
        const accountId = await openedBy('user-ada');
        const eve = await as('user-eve');

        const refused = await eve.post(`/accounts/${accountId}/${route}`, body);
        const missingId = randomUUID();
        const missing = await eve.post(`/accounts/${missingId}/${route}`, body);

        expectNotFound(refused, accountId);
        expectNotFound(missing, missingId);
        expect(Object.keys(refused.body).sort()).toEqual(Object.keys(missing.body).sort());
        expect(await countEvents(db(), accountId)).toBe(1);
      },
    );

    it.each([['"1"'], ['"7"'], ['*']])(
      'given a deposit with If-Match %s, then 404, never 412 with the current version',
      async (ifMatch) => {
        const accountId = await openedBy('user-ada');

        const refused = await (await as('user-eve')).post(`/accounts/${accountId}/deposits`, { amount: 5 }, { 'If-Match': ifMatch });

        expectNotFound(refused, accountId);
        expect(await countEvents(db(), accountId)).toBe(1);
      },
    );

    it.each(['freeze', 'unfreeze'])('given a %s, then 403 insufficient-scope: it is an operator act', async (route) => {
      const accountId = await openedBy('user-ada');

      const refused = await (await as('user-eve')).post(`/accounts/${accountId}/${route}`, {});

      expect(refused.status).toBe(403);
      expect(refused.body['type']).toMatch(/\/insufficient-scope$/);
      expect(await countEvents(db(), accountId)).toBe(1);
    });

    it("given Ada's Idempotency-Key and request, then Eve gets 404, not Ada's replayed response", async () => {
      const accountId = await openedBy('user-ada');
      const headers = { 'Idempotency-Key': `deposit-${accountId}` };
      const first = await (await as('user-ada')).post(`/accounts/${accountId}/deposits`, { amount: 5 }, headers);

      const eve = await (await as('user-eve')).post(`/accounts/${accountId}/deposits`, { amount: 5 }, headers);
      const adaAgain = await (await as('user-ada')).post(`/accounts/${accountId}/deposits`, { amount: 5 }, headers);

      expect(first.status).toBe(201);
      expectNotFound(eve, accountId);
      expect(eve.headers.get('idempotent-replayed')).toBeNull();
      expect(adaAgain.status).toBe(201);
      expect(adaAgain.headers.get('idempotent-replayed')).toBe('true');
      expect(await countEvents(db(), accountId)).toBe(2);
    });

    it('given an open of the same account id, then 409 account-already-exists (an open never takes over an account)', async () => {
      const accountId = await openedBy('user-ada');

      const again = await (await as('user-eve')).post('/accounts', { owner: 'Eve', currency: 'EUR', accountId });

      expect(again.status).toBe(409);
      expect(again.body['type']).toMatch(/\/account-already-exists$/);
      expect((await storedEvents(accountId))[0]?.data['ownerId']).toBe('user-ada');
    });
  });

  it('given one Idempotency-Key sent by two subjects, then they are two keys: each opens its own account', async () => {
    const headers = { 'Idempotency-Key': `open-${randomUUID()}` };

    const ada = await (await as('user-ada')).post('/accounts', { owner: 'Ada', currency: 'EUR' }, headers);
    const eve = await (await as('user-eve')).post('/accounts', { owner: 'Ada', currency: 'EUR' }, headers);

    expect([ada.status, eve.status]).toEqual([201, 201]);
    expect(eve.headers.get('idempotent-replayed')).toBeNull();
    expect(eve.body['accountId']).not.toBe(ada.body['accountId']);
    expect((await storedEvents(String(eve.body['accountId'])))[0]?.data['ownerId']).toBe('user-eve');
  });

  it("given Ada's own token, then every command on her account succeeds", async () => {
    const accountId = await openedBy('user-ada');
    const ada = await as('user-ada');

    const results = [
      await ada.post(`/accounts/${accountId}/deposits`, { amount: 5 }, { 'If-Match': '"1"' }),
      await ada.post(`/accounts/${accountId}/withdrawals`, { amount: 105 }),
      await ada.post(`/accounts/${accountId}/close`, {}),
    ];

    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(await countEvents(db(), accountId)).toBe(4);
  });

  describe('an operator (ledger:operate)', () => {
    it("given Ada's account, then the operator deposits, freezes and unfreezes it, and each event records the operator", async () => {
      const accountId = await openedBy('user-ada');
      const operator = await as('ops-grace', OPERATE);

      const results = [
        await operator.post(`/accounts/${accountId}/deposits`, { amount: 5 }),
        await operator.post(`/accounts/${accountId}/freeze`, { reason: 'review' }),
        await operator.post(`/accounts/${accountId}/unfreeze`, {}),
      ];

      expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
      const actors = (await storedEvents(accountId)).map((e) => (e.metadata['actor'] as { sub: string }).sub);
      expect(actors).toEqual(['user-ada', 'ops-grace', 'ops-grace', 'ops-grace']);
    });

    it('given an ownerId in the body, then the operator opens the account for that subject, who may then use it', async () => {
      const accountId = await openedByOperatorFor('user-zoe');

      expect((await storedEvents(accountId))[0]?.data['ownerId']).toBe('user-zoe');
      expect((await storedEvents(accountId))[0]?.metadata['actor']).toEqual({ sub: 'ops-grace', clientId: 'ledger-dev' });
      expect((await (await as('user-zoe')).post(`/accounts/${accountId}/deposits`, { amount: 1 })).status).toBe(201);
    });

    async function openedByOperatorFor(ownerId: string): Promise<string> {
      const accountId = randomUUID();
      const opened = await (await as('ops-grace', OPERATE)).post('/accounts', { owner: 'Zoë', currency: 'EUR', accountId, ownerId });
      expect(opened.status).toBe(201);
      return accountId;
    }
  });

  it("given an ownerId other than the caller's sub without ledger:operate, then 403 insufficient-scope and no account", async () => {
    const accountId = randomUUID();

    const refused = await (await as('user-eve')).post('/accounts', { owner: 'Ada', currency: 'EUR', accountId, ownerId: 'user-ada' });
    const own = await (await as('user-eve')).post('/accounts', { owner: 'Eve', currency: 'EUR', ownerId: 'user-eve' });

    expect(refused.status).toBe(403);
    expect(refused.body['type']).toMatch(/\/insufficient-scope$/);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="ledger:operate"');
    expect(await countEvents(db(), accountId)).toBe(0);
    expect(own.status).toBe(201);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'u'.repeat(256)],
    ['not a string', 42],
  ])('given an ownerId that is %s, then 400 and no account', async (_label, ownerId) => {
    const accountId = randomUUID();

    const refused = await (await as('ops-grace', OPERATE)).post('/accounts', { owner: 'Ada', currency: 'EUR', accountId, ownerId });

    expect(refused.status).toBe(400);
    expect(await countEvents(db(), accountId)).toBe(0);
  });
});
