import {
  eventually,
  REFUSED_AUTHORIZATIONS,
  refusedAuthorizationHeaders,
  SseClient,
  startTestIssuer,
  suiteResource,
  type RefusedAuthorizationHeaders,
} from '@ledger/testing';
import type { IncomingHttpHeaders } from 'node:http';
import { AccountStory } from '../testing/account-story.fixture';
import { send, startQueryApp } from '../testing/query-app.harness';

const OWNER_ID = 'user-olga';
const OWNER = 'Olga Secretary';
const OPERATOR_SCOPES = 'ledger:read ledger:operate';

interface QueryRoute {
  readonly route: string;
  readonly path: (accountId: string) => string;
  /** What of the account a granted answer shows: its id, or (items of its history) an event id. */
  readonly reveals: (story: AccountStory) => string;
  /** Answered with server-sent events once access is granted. */
  readonly stream?: true;
}

/** Every read, asked as an operator would ask it: a token let through with ledger:operate sees the account. */
const ROUTES: readonly QueryRoute[] = [
  { route: 'GET /accounts/{id}', path: (id) => `/accounts/${id}`, reveals: (s) => s.accountId },
  { route: 'GET /accounts/{id}/transactions', path: (id) => `/accounts/${id}/transactions`, reveals: (s) => s.eventId(1) },
  { route: 'GET /accounts (list)', path: () => `/accounts?ownerId=${OWNER_ID}`, reveals: (s) => s.accountId },
  { route: 'GET /accounts/{id}/stream', path: (id) => `/accounts/${id}/stream`, reveals: (s) => s.eventId(1), stream: true },
  { route: 'GET /accounts/{id}?minVersion=', path: (id) => `/accounts/${id}?minVersion=1&waitMs=200`, reveals: (s) => s.accountId },
];

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body; for an open stream, the data of its first message. */
  readonly text: string;
}

/** Olga's account, which none of the refused tokens names. */
const story = new AccountStory({ ownerId: OWNER_ID, owner: OWNER, steps: [{ deposit: 7n }] });

function expectProblem(answer: Answer, path: string, status: number, type: string, challenge: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.headers['www-authenticate']).toBe(challenge);
  const { instance, ...problem } = JSON.parse(answer.text) as Record<string, unknown>;
  expect(instance).toBe(path);
  expect(problem).toEqual({
    type: expect.stringMatching(new RegExp(`/${type}$`)),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  // Nothing about the account: not its id (beyond the echoed request path), owner or balance.
  const told = JSON.stringify(problem);
  for (const secret of [story.accountId, OWNER_ID, OWNER, '107']) expect(told).not.toContain(secret);
}

/** Tokens from a real issuer, verified by the real app: which ones a read is refused for, and how. */
describe('access tokens on every query route', () => {
  const issuer = suiteResource('the issuer', startTestIssuer, (started) => started.stop());
  const otherIssuer = suiteResource('another issuer', startTestIssuer, (started) => started.stop());
  const query = suiteResource(
    'the query app',
    () => startQueryApp({ OIDC_ISSUER: issuer().url }),
    (app) => app.close(),
  );
  let headers: RefusedAuthorizationHeaders;

  beforeAll(async () => {
    headers = await refusedAuthorizationHeaders(issuer(), otherIssuer());
    await query().project(story.messages());
    // Once, for the whole table: the one-second token stops being accepted, as the app itself answers.
    const expired = { authorization: headers['an expired token'] ?? '' };
    await eventually(async () => (await send(query().url, '/accounts', expired)).status === 401, 30_000, 'the 1 s token to expire');
  }, 60_000);

  async function ask(route: QueryRoute, authorization: string | null): Promise<Answer> {
    const path = route.path(story.accountId);
    const sent: Record<string, string> = authorization === null ? {} : { authorization };
    if (route.stream === undefined) return send(query().url, path, sent);
    // From the start of the history, so a granted stream replays what there is.
    const client = await SseClient.connect(`${query().url}${path}`, { ...sent, 'last-event-id': '0' });
    try {
      if (client.status !== 200) return { status: client.status, headers: client.headers, text: client.body };
      const [first] = await client.waitForMessages(1);
      return { status: client.status, headers: client.headers, text: JSON.stringify(first?.data) };
    } finally {
      client.close();
    }
  }

  describe.each(ROUTES)('$route', (route) => {
    const path = () => route.path(story.accountId);

    it.each(REFUSED_AUTHORIZATIONS)(
      'given %s, then 401 unauthenticated with the invalid_token challenge, and nothing of the account',
      async (name) => {
        expectProblem(await ask(route, headers[name]), path(), 401, 'unauthenticated', 'Bearer error="invalid_token"');
      },
    );

    it('given a valid token with every scope but ledger:read, then 403 insufficient-scope naming it', async () => {
      const token = await issuer().mint({ sub: 'user-mallory', scope: 'ledger:write ledger:operate' });

      const answer = await ask(route, `Bearer ${token}`);

      expectProblem(answer, path(), 403, 'insufficient-scope', 'Bearer error="insufficient_scope", scope="ledger:read"');
    });

    it.each([
      ['an operator (development token)', () => issuer().mint({ sub: 'ops-oscar', scope: OPERATOR_SCOPES })],
      ['the ledger-ops service (client credentials)', () => issuer().serviceToken('ledger-ops', OPERATOR_SCOPES)],
    ])('given %s, then 200 with the account', async (_who, token) => {
      const answer = await ask(route, `Bearer ${await token()}`);

      expect(answer.status).toBe(200);
      expect(answer.text).toContain(route.reveals(story));
    });
  });
});

describe('the issuer unreachable before the first request', () => {
  it('given a token the app has never verified, then 503 unavailable with Retry-After, not 401 and not 500', async () => {
    const issuer = await startTestIssuer();
    const query = await startQueryApp({ OIDC_ISSUER: issuer.url }).finally(() => issuer.stop());
    try {
      const reply = await query.get('/accounts');

      expect(reply.status).toBe(503);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.body).toMatchObject({ status: 503, type: expect.stringMatching(/\/unavailable$/) });
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
      expect(reply.headers['www-authenticate']).toBeUndefined();
    } finally {
      await query.close();
    }
  });
});
