import { connect } from 'node:net';
import { AccountStory, type Step } from '../testing/account-story.fixture';
import { eventually, startQueryApp, type QueryApp } from '../testing/query-app.harness';
import { SseClient } from '@ledger/testing';

const CLIENTS = 'ledger_query_sse_clients';
const MAX_CLIENTS = 3;
const WAITS = 'ledger_query_read_your_writes_waits_total';
const TIMEOUTS = 'ledger_query_read_your_writes_timeouts_total';

describe('GET /accounts/{id}/stream (server-sent events)', () => {
  let query: QueryApp;
  const open: SseClient[] = [];

  beforeAll(async () => {
    query = await startQueryApp({
      QUERY_SSE_HEARTBEAT_MS: '200',
      QUERY_SSE_MAX_CLIENTS: String(MAX_CLIENTS),
      QUERY_SSE_MAX_BUFFER_BYTES: String(256 * 1024),
      QUERY_SSE_DRAIN_TIMEOUT_MS: '1000',
      QUERY_SSE_RETRY_AFTER_SECONDS: '7',
    });
  }, 60_000);

  afterEach(async () => {
    for (const client of open.splice(0)) client.close();
    await eventually(async () => (await query.metric(CLIENTS)) === 0, 15_000, 'every stream to close');
  });

  afterAll(async () => {
    await query.close();
  });

  async function follow(story: AccountStory, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, {
      authorization: query.authorization,
      ...headers,
    });
    open.push(client);
    return client;
  }

  it('delivers each projected change live, in version order, with the item plus balance and status after it', async () => {
    const story = new AccountStory({
      initialDeposit: 100n,
      steps: [{ deposit: 10n }, { freeze: 'audit' }, 'unfreeze', { withdraw: 30n }, { deposit: 5n }],
    });
    await query.project(story.messages([1]));
    const client = await follow(story);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-cache, no-transform');
    await eventually(async () => (await query.metric(CLIENTS)) === 1, 10_000, 'the stream to register');

    await query.project(story.messages([2, 3]));
    await client.waitForMessages(2);
    await query.project(story.messages([4]));
    await query.project(story.messages([5, 6]));
    const messages = await client.waitForMessages(5);

    expect(messages.map((m) => [m.id, m.event])).toEqual([
      ['2', 'MoneyDeposited'],
      ['3', 'AccountFrozen'],
      ['4', 'AccountUnfrozen'],
      ['5', 'MoneyWithdrawn'],
      ['6', 'MoneyDeposited'],
    ]);
    expect(messages[0]?.data).toEqual({
      eventId: story.eventId(2),
      version: 2,
      type: 'MoneyDeposited',
      amount: 10,
      balanceAfter: 110,
      reason: null,
      occurredAt: story.occurredAt(2),
      transferId: null,
      counterpartyAccountId: null,
      balance: 110,
      status: 'ACTIVE',
    });
    expect(messages[1]?.data).toEqual({
      eventId: story.eventId(3),
      version: 3,
      type: 'AccountFrozen',
      amount: null,
      balanceAfter: null,
      reason: 'audit',
      occurredAt: story.occurredAt(3),
      transferId: null,
      counterpartyAccountId: null,
      balance: 110,
      status: 'FROZEN',
    });
    expect(messages[3]?.data).toMatchObject({ amount: 30, balanceAfter: 80, balance: 80, status: 'ACTIVE' });
    expect(client.messages).toHaveLength(5);
  });

  it('resumes from Last-Event-ID: replays what was missed, then goes live, no gap and no repeat', async () => {
    const story = new AccountStory({ steps: Array.from({ length: 7 }, (): Step => ({ deposit: 1n })) });
    await query.project(story.messages([1, 2, 3, 4, 5]));
    const first = await follow(story, { 'last-event-id': '0' });
    await first.waitForMessages(5);
    expect(first.versions()).toEqual([1, 2, 3, 4, 5]);
    first.close();

    const resumed = await follow(story, { 'last-event-id': '2' });
    await resumed.waitForMessages(3);
    await query.project(story.messages([6, 7, 8]));
    await resumed.waitForMessages(6);

    expect(resumed.versions()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(resumed.messages[0]?.data).toMatchObject({ version: 3, balance: 102, amount: 1 });
  });

  it('replays a history longer than one read while changes keep arriving, each version exactly once', async () => {
    const story = new AccountStory({ steps: Array.from({ length: 899 }, (): Step => ({ deposit: 1n })) });
    await query.project(story.messages(Array.from({ length: 500 }, (_, i) => i + 1)));
    const client = await follow(story, { 'last-event-id': '0' });
    for (let from = 501; from <= 900; from += 50) {
      await query.project(story.messages(Array.from({ length: 50 }, (_, i) => from + i)));
    }
    await client.waitForMessages(900, 30_000);
    expect(client.versions()).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
    expect(client.messages.at(-1)?.data).toMatchObject({ version: 900, balance: 999 });
  }, 60_000);

  it('starts after the current version when the client sends no Last-Event-ID', async () => {
    const story = new AccountStory({ steps: [{ deposit: 1n }, { deposit: 2n }] });
    await query.project(story.messages([1, 2]));
    const client = await follow(story);
    await eventually(async () => (await query.metric(CLIENTS)) === 1, 10_000, 'the stream to register');
    await query.project(story.messages([3]));
    await client.waitForMessages(1);
    expect(client.versions()).toEqual([3]);
  });

  it('waits for an account the read model has not seen yet, then opens from its first change', async () => {
    const story = new AccountStory({ initialDeposit: 100n });
    const waits = await query.metric(WAITS);
    const opening = follow(story);
    await eventually(async () => (await query.metric(WAITS)) === waits + 1, 10_000, 'the stream to wait for the account');

    await query.project(story.messages([1]));
    const client = await opening;

    expect(client.status).toBe(200);
    const [opened] = await client.waitForMessages(1);
    expect(opened).toMatchObject({ id: '1', event: 'AccountOpened', data: { version: 1, balance: 100, status: 'ACTIVE' } });
  });

  it('answers 404 for an account that never appears, once the wait is over', async () => {
    const waits = await query.metric(WAITS);
    const timeouts = await query.metric(TIMEOUTS);

    const client = await follow(new AccountStory());

    expect(client.status).toBe(404);
    expect(JSON.parse(client.body)).toMatchObject({ type: 'https://ledger.example.com/problems/account-not-found', status: 404 });
    expect(await query.metric(WAITS)).toBe(waits + 1);
    expect(await query.metric(TIMEOUTS)).toBe(timeouts + 1);
  });

  it('sends a heartbeat comment at the configured interval', async () => {
    const story = new AccountStory();
    await query.project(story.messages());
    const client = await follow(story);
    await eventually(() => client.comments.filter((c) => c === 'heartbeat').length >= 3, 10_000, 'three heartbeats');
    expect(client.messages).toHaveLength(0);
  });

  it('refuses a stream beyond the limit with 503 problem+json and Retry-After, and frees the slot on disconnect', async () => {
    const story = new AccountStory();
    await query.project(story.messages());
    const clients = [];
    for (let i = 0; i < MAX_CLIENTS; i++) clients.push(await follow(story));
    await eventually(async () => (await query.metric(CLIENTS)) === MAX_CLIENTS, 10_000, 'every slot taken');

    const refused = await follow(story);

    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'https://ledger.example.com/problems/too-many-streams', status: 503 });
    expect(await query.metric('ledger_query_sse_refused_total')).toBeGreaterThanOrEqual(1);

    clients[0]?.close();
    await eventually(async () => (await query.metric(CLIENTS)) === MAX_CLIENTS - 1, 10_000, 'the slot to be freed');
    const admitted = await follow(story);
    expect(admitted.status).toBe(200);
  });

  it('drops a client that stops reading instead of buffering for it', async () => {
    // Big messages (long freeze reasons), enough to fill the kernel's socket buffers several times over.
    const reason = 'r'.repeat(450);
    const steps = Array.from({ length: 14_000 }, (_, i): Step => (i % 2 === 0 ? { freeze: reason } : 'unfreeze'));
    const story = new AccountStory({ steps });
    for (let from = 1; from <= story.version; from += 2_000) {
      await query.project(story.messages(Array.from({ length: Math.min(2_000, story.version - from + 1) }, (_, i) => from + i)));
    }
    const dropped = await query.metric('ledger_query_sse_dropped_total');

    const socket = connect(Number(new URL(query.url).port), '127.0.0.1');
    socket.pause();
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write(
      `GET /accounts/${story.accountId}/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${query.authorization}\r\nLast-Event-ID: 0\r\n\r\n`,
    );

    await eventually(
      async () => (await query.metric('ledger_query_sse_dropped_total')) === dropped + 1,
      30_000,
      'the slow client to be dropped',
    );
    await eventually(async () => (await query.metric(CLIENTS)) === 0, 10_000, 'its slot to be freed');
    socket.resume();
    await eventually(() => closed, 10_000, 'the socket to close');
  }, 90_000);
});
