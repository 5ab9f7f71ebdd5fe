import {
  eventually,
  REFUSED_AUTHORIZATIONS,
  refusedAuthorizationHeaders,
  startTestIssuer,
  suiteResource,
  type RefusedAuthorizationHeaders,
} from '@ledger/testing';
import { decodeProtectedHeader } from 'jose';
import { randomUUID } from 'node:crypto';
import { countEvents, type HttpResult } from '../testing/command-app.harness';
import { commandAppWithIssuerSuite, OPERATOR_SCOPES, WRITE_SCOPES } from '../testing/command-app-with-issuer.suite';

type Scope = 'ledger:read' | 'ledger:write' | 'ledger:operate';

interface CommandRoute {
  readonly route: string;
  readonly scope: Scope;
  readonly path: (accountId: string) => string;
  readonly body: (accountId: string) => Record<string, unknown>;
}

/** Every command, in an order that succeeds on one fresh account. */
const ROUTES: readonly CommandRoute[] = [
  {
    route: 'POST /accounts',
    scope: 'ledger:write',
    path: () => '/accounts',
    body: (accountId) => ({ owner: 'Mallory', currency: 'EUR', initialDeposit: 100, accountId }),
  },
  { route: 'POST /accounts/{id}/deposits', scope: 'ledger:write', path: (id) => `/accounts/${id}/deposits`, body: () => ({ amount: 5 }) },
  {
    route: 'POST /accounts/{id}/withdrawals',
    scope: 'ledger:write',
    path: (id) => `/accounts/${id}/withdrawals`,
    body: () => ({ amount: 105 }),
  },
  {
    route: 'POST /accounts/{id}/freeze',
    scope: 'ledger:operate',
    path: (id) => `/accounts/${id}/freeze`,
    body: () => ({ reason: 'review' }),
  },
  { route: 'POST /accounts/{id}/unfreeze', scope: 'ledger:operate', path: (id) => `/accounts/${id}/unfreeze`, body: () => ({}) },
  { route: 'POST /accounts/{id}/close', scope: 'ledger:write', path: (id) => `/accounts/${id}/close`, body: () => ({}) },
];

const EVERY_SCOPE: readonly Scope[] = ['ledger:read', 'ledger:write', 'ledger:operate'];
const OPENS = ROUTES[0];

function expectProblem(result: HttpResult, status: number, type: string, challenge: string): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  expect(result.body).toMatchObject({ status, type: expect.stringMatching(new RegExp(`/${type}$`)) });
  expect(result.headers.get('www-authenticate')).toBe(challenge);
  expect(result.headers.get('etag')).toBeNull();
}

const expectUnauthenticated = (result: HttpResult) => expectProblem(result, 401, 'unauthenticated', 'Bearer error="invalid_token"');

/** Tokens from a real issuer, verified by the real app: which ones a command is refused for, and how. */
describe('access tokens on every command route', () => {
  const suite = commandAppWithIssuerSuite();
  const otherIssuer = suiteResource('another issuer', startTestIssuer, (issuer) => issuer.stop());
  const app = () => suite().app;
  let headers: RefusedAuthorizationHeaders;
  /** An open account with money, owned by someone none of the refused tokens names. */
  let accountId: string;

  beforeAll(async () => {
    headers = await refusedAuthorizationHeaders(suite().issuer, otherIssuer());
    accountId = randomUUID();
    const owner = await suite().as('user-olga');
    expect((await owner.post('/accounts', { owner: 'Olga', currency: 'EUR', initialDeposit: 1_000, accountId })).status).toBe(201);
    // Once, for the whole table: the one-second token stops being accepted, as the app itself answers.
    const expired = app().withAuthorization(headers['an expired token']);
    await eventually(
      async () => (await expired.post(`/accounts/${randomUUID()}/deposits`, { amount: 1 })).status === 401,
      30_000,
      'the 1 s token to expire',
    );
  }, 60_000);

  /** The account the route acts on: a new one for an open, else the existing account. */
  const targetOf = (route: CommandRoute) => (route === OPENS ? randomUUID() : accountId);

  describe.each(ROUTES)('$route', (route) => {
    it.each(REFUSED_AUTHORIZATIONS)(
      'given %s, then 401 unauthenticated with the invalid_token challenge, and nothing is appended',
      async (name) => {
        const target = targetOf(route);
        const before = await countEvents(app().db);

        const result = await app().withAuthorization(headers[name]).post(route.path(target), route.body(target));

        expectUnauthenticated(result);
        expect(result.body).not.toHaveProperty('accountId');
        expect(await countEvents(app().db)).toBe(before);
        expect(await countEvents(app().db, target)).toBe(route === OPENS ? 0 : 1);
      },
    );

    it(`given a valid token with every scope but ${route.scope}, then 403 insufficient-scope naming it, and nothing is appended`, async () => {
      const target = targetOf(route);
      const before = await countEvents(app().db);
      const scopes = EVERY_SCOPE.filter((scope) => scope !== route.scope).join(' ');

      const result = await (await suite().as('user-mallory', scopes)).post(route.path(target), route.body(target));

      expectProblem(result, 403, 'insufficient-scope', `Bearer error="insufficient_scope", scope="${route.scope}"`);
      expect(await countEvents(app().db)).toBe(before);
    });
  });

  it.each([
    ['an operator (development token)', () => suite().issuer.mint({ sub: 'ops-oscar', scope: OPERATOR_SCOPES }), 'ops-oscar', 'ledger-dev'],
    [
      'the ledger-ops service (client credentials)',
      () => suite().issuer.serviceToken('ledger-ops', OPERATOR_SCOPES),
      'ledger-ops',
      'ledger-ops',
    ],
  ])('given %s, then every route answers 201 in turn, and each event names the caller as its actor', async (_who, token, sub, clientId) => {
    const caller = app().as(await token());
    const target = randomUUID();

    const statuses: number[] = [];
    for (const route of ROUTES) statuses.push((await caller.post(route.path(target), route.body(target))).status);

    expect(statuses).toEqual(ROUTES.map(() => 201));
    const { rows } = await app().db.query<{ metadata: { actor: unknown } }>(
      'SELECT metadata FROM event_store.events WHERE stream_id = $1 ORDER BY version',
      [target],
    );
    expect(rows.map((row) => row.metadata.actor)).toEqual(ROUTES.map(() => ({ sub, clientId })));
  });
});

describe("the issuer's signing key rotated while the app runs", () => {
  const suite = commandAppWithIssuerSuite({ OIDC_JWKS_COOLDOWN_MS: '0' });

  it('given tokens signed before and after a rotation, then the running app accepts both while the JWKS lists the old key', async () => {
    const { issuer, app } = suite();
    const accountId = randomUUID();
    const [before, beforeUnused] = await Promise.all([
      issuer.mint({ sub: 'user-rita', scope: WRITE_SCOPES }),
      issuer.mint({ sub: 'user-rita', scope: WRITE_SCOPES }),
    ]);
    expect((await app.as(before).post('/accounts', { owner: 'Rita', currency: 'EUR', accountId })).status).toBe(201);
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await issuer.rotateKeys();
    const after = await issuer.mint({ sub: 'user-rita', scope: WRITE_SCOPES });

    expect(rotated.kids).toEqual([rotated.kid, oldKid]);
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    expect((await app.as(after).post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);
    // Never presented before the rotation, so the app verifies its signature now, by the old key.
    expect((await app.as(beforeUnused).post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);
    expect((await app.as(before).post(`/accounts/${accountId}/deposits`, { amount: 5 })).status).toBe(201);
    expect(await countEvents(app.db, accountId)).toBe(4);
  });
});
