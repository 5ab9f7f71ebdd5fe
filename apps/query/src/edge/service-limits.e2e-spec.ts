import { SseClient, startTestIssuer, type TestIssuer } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AccountStory } from '../testing/account-story.fixture';
import { eventually, startQueryApp, type QueryApp, type Reply } from '../testing/query-app.harness';

const PROBLEMS = 'https://ledger.example.com/problems/';
const WAITERS = 'ledger_query_read_your_writes_waiters';
const STREAMS = 'ledger_query_sse_clients';
const BURST = 10;

/** A read whose client can hang up before the answer. */
interface PendingRead {
  readonly answered: Promise<number>;
  hangUp(): void;
}

function startRead(url: string, path: string, token: string): PendingRead {
  const request = httpRequest(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const answered = new Promise<number>((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
  answered.catch(() => undefined);
  request.end();
  return { answered, hangUp: () => request.destroy() };
}

describe('limits that protect the query service', () => {
  let issuer: TestIssuer;
  let query: QueryApp;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    issuer = await startTestIssuer();
    query = await startQueryApp({
      OIDC_ISSUER: issuer.url,
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_BURST: String(BURST),
      QUERY_MAX_WAITERS: '2',
      QUERY_SSE_MAX_CLIENTS: '5',
      QUERY_SSE_MAX_STREAMS_PER_CALLER: '2',
      QUERY_SSE_RETRY_AFTER_SECONDS: '3',
      HTTP_REQUEST_TIMEOUT_MS: '500',
    });
  }, 60_000);

  afterAll(async () => {
    await query?.close();
    await issuer?.stop();
  });

  /** One token per subject and scope, minted once: a caller's requests all count against one key. */
  async function tokenOf(sub: string, scope = 'ledger:read'): Promise<string> {
    const key = `${sub} ${scope}`;
    if (!tokens.has(key)) tokens.set(key, await issuer.mint({ sub, scope }));
    return tokens.get(key) as string;
  }

  const readAs = async (token: string | null, path = `/accounts/${randomUUID()}`): Promise<Reply> =>
    query.get(path, token === null ? { authorization: '' } : { authorization: `Bearer ${token}` });

  describe('rate limit per caller', () => {
    it('given a caller past its burst, then it gets 429 rate-limited with Retry-After, and another caller does not', async () => {
      const alice = await tokenOf('alice-rate');
      const within: Reply[] = [];
      for (let i = 0; i < BURST; i++) within.push(await readAs(alice));

      const refused = await readAs(alice);
      const bob = await readAs(await tokenOf('bob-rate'));

      expect(within.map((reply) => reply.status)).toEqual(Array(BURST).fill(404));
      expect(within[0]?.headers['x-ratelimit-limit']).toBe(String(BURST));
      expect(within.map((reply) => Number(reply.headers['x-ratelimit-remaining']))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ type: `${PROBLEMS}rate-limited`, title: 'Too many requests', status: 429 });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= BURST).toBe(true);
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(bob.status).toBe(404);
    });

    it('counts requests without a valid token against their address, with the same limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i <= BURST; i++) statuses.push((await readAs(i % 2 === 0 ? null : 'forged.token.value')).status);

      expect(statuses).toEqual([...Array(BURST).fill(401), 429]);
    });

    it('never limits health or docs (metrics are on the management port)', async () => {
      const paths = ['/health/live', '/health/ready', '/docs-json'];
      for (const path of paths) {
        const statuses: number[] = [];
        for (let i = 0; i <= BURST; i++) statuses.push((await query.get(path)).status);
        expect({ path, statuses }).toEqual({ path, statuses: Array(BURST + 1).fill(200) });
      }
    });

    it('leaves callers with ledger:operate unlimited by default', async () => {
      const operator = await tokenOf('ops-rate', 'ledger:read ledger:operate');
      const statuses: number[] = [];
      for (let i = 0; i < 2 * BURST; i++) statuses.push((await readAs(operator)).status);

      expect(statuses).toEqual(Array(2 * BURST).fill(404));
    });
  });

  describe('read-your-writes waits', () => {
    it('given QUERY_MAX_WAITERS waiting, then one more is refused with 503; when their clients hang up, their waits end and free their places', async () => {
      const operator = await tokenOf('ops-waits', 'ledger:read ledger:operate');
      const waitFor = (accountId: string) => startRead(query.url, `/accounts/${accountId}?minVersion=1&waitMs=10000`, operator);
      const abandonedBefore = await query.metric('ledger_query_read_your_writes_wait_seconds_count', 'outcome="abandoned"');
      const timeoutsBefore = await query.metric('ledger_query_read_your_writes_timeouts_total');
      const waits = [waitFor(randomUUID()), waitFor(randomUUID())];
      await eventually(async () => (await query.metric(WAITERS)) === 2, 15_000, 'two reads waiting');

      const refused = await readAs(operator, `/accounts/${randomUUID()}?minVersion=1&waitMs=10000`);
      for (const wait of waits) wait.hangUp();

      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ type: `${PROBLEMS}unavailable`, status: 503 });
      expect(refused.body.detail).toContain('waiting for the read model');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await eventually(async () => (await query.metric(WAITERS)) === 0, 15_000, 'the abandoned waits to end');
      expect(await query.metric('ledger_query_read_your_writes_wait_seconds_count', 'outcome="abandoned"')).toBe(abandonedBefore + 2);
      expect(await query.metric('ledger_query_read_your_writes_timeouts_total')).toBe(timeoutsBefore);
      expect(await query.metric('ledger_query_read_your_writes_refused_total')).toBe(1);

      const story = new AccountStory();
      const admitted = waitFor(story.accountId);
      await eventually(async () => (await query.metric(WAITERS)) === 1, 15_000, 'a new wait to be admitted');
      await query.project(story.messages());
      await expect(admitted.answered).resolves.toBe(200);
    });

    it('given a wait longer than the request timeout, then it runs to its own end (the request was complete when it began)', async () => {
      const operator = await tokenOf('ops-long-wait', 'ledger:read ledger:operate');

      const reply = await readAs(operator, `/accounts/${randomUUID()}?minVersion=1&waitMs=2500`);

      expect(reply.status).toBe(504);
      expect(reply.body).toMatchObject({ type: `${PROBLEMS}read-your-writes-timeout`, reachedVersion: 0 });
    });
  });

  describe('streams per caller', () => {
    const open: SseClient[] = [];

    afterEach(async () => {
      for (const client of open.splice(0)) client.close();
      await eventually(async () => (await query.metric(STREAMS)) === 0, 15_000, 'every stream to close');
    });

    it('given a caller with QUERY_SSE_MAX_STREAMS_PER_CALLER streams, then its next one is refused with 503 and Retry-After, while others still get theirs', async () => {
      const story = new AccountStory();
      await query.project(story.messages());
      const follow = async (token: string) => {
        const client = await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, { authorization: `Bearer ${token}` });
        open.push(client);
        return client;
      };
      const carol = await tokenOf('carol-streams', 'ledger:read ledger:operate');
      const dave = await tokenOf('dave-streams', 'ledger:read ledger:operate');

      const carols = [await follow(carol), await follow(carol)];
      const refused = await follow(carol);
      const daves = await follow(dave);

      expect(carols.map((client) => client.status)).toEqual([200, 200]);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ type: `${PROBLEMS}too-many-streams`, status: 503 });
      expect(JSON.parse(refused.body).detail).toContain('This caller');
      expect(refused.headers['retry-after']).toBe('3');
      expect(daves.status).toBe(200);

      carols[0]?.close();
      await eventually(async () => (await query.metric(STREAMS)) === 2, 15_000, "one of carol's streams to close");
      expect((await follow(carol)).status).toBe(200);
    });
  });

  describe('a stream and the HTTP timeouts', () => {
    let quiet: QueryApp;

    beforeAll(async () => {
      quiet = await startQueryApp({
        OIDC_ISSUER: issuer.url,
        QUERY_SSE_HEARTBEAT_MS: '1000',
        HTTP_CONNECTION_TIMEOUT_MS: '300',
        HTTP_REQUEST_TIMEOUT_MS: '300',
      });
    }, 60_000);

    afterAll(async () => {
      await quiet?.close();
    });

    it('given a stream quieter than the connection timeout and older than the request timeout, then it stays open', async () => {
      const story = new AccountStory();
      await quiet.project(story.messages());
      const token = await tokenOf('erin-quiet', 'ledger:read ledger:operate');
      const client = await SseClient.connect(`${quiet.url}/accounts/${story.accountId}/stream`, { authorization: `Bearer ${token}` });
      try {
        await eventually(() => client.comments.length >= 3 || client.ended, 15_000, 'three heartbeats');

        expect(client.status).toBe(200);
        expect(client.ended).toBe(false);
        expect(client.comments.slice(0, 3)).toEqual(['heartbeat', 'heartbeat', 'heartbeat']);
      } finally {
        client.close();
      }
    });
  });
});
