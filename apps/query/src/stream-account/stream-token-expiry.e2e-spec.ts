import { mintToken, SseClient } from '@ledger/testing';
import { AccountStory, type Step } from '../testing/account-story.fixture';
import { eventually, startQueryApp, type QueryApp } from '../testing/query-app.harness';

const OWNER = 'stream-owner';

/** The `exp` claim of a JWT, in ms: read from the token only to check when the stream ended. */
function expiryOf(token: string): number {
  const [, payload] = token.split('.');
  return (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp: number }).exp * 1_000;
}

describe('GET /accounts/{id}/stream with an expiring token', () => {
  let query: QueryApp;
  const open: SseClient[] = [];

  beforeAll(async () => {
    query = await startQueryApp({ QUERY_SSE_HEARTBEAT_MS: '200' });
  }, 60_000);

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await query.close();
  });

  async function follow(story: AccountStory, token: string, lastEventId: number): Promise<SseClient> {
    const client = await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, {
      authorization: `Bearer ${token}`,
      'last-event-id': String(lastEventId),
    });
    open.push(client);
    return client;
  }

  it('ends when the token expires; a reconnect with a fresh token and Last-Event-ID loses nothing and repeats nothing', async () => {
    const story = new AccountStory({ ownerId: OWNER, steps: Array.from({ length: 9 }, (): Step => ({ deposit: 1n })) });
    await query.project(story.messages([1, 2, 3]));
    const shortLived = await mintToken({ sub: OWNER, scope: 'ledger:read', ttlSeconds: 3 });

    const first = await follow(story, shortLived, 0);
    expect(first.status).toBe(200);
    await first.waitForMessages(3);
    await query.project(story.messages([4, 5]));
    await first.waitForMessages(5);
    await eventually(() => first.ended, 30_000, 'the stream to end with its token');
    const endedAt = Date.now();
    // Changes while the client was away.
    await query.project(story.messages([6, 7]));

    const fresh = await mintToken({ sub: OWNER, scope: 'ledger:read' });
    const last = Number(first.messages.at(-1)?.id);
    const second = await follow(story, fresh, last);
    expect(second.status).toBe(200);
    await query.project(story.messages([8, 9, 10]));
    await second.waitForMessages(10 - last);

    expect(endedAt).toBeGreaterThanOrEqual(expiryOf(shortLived));
    expect(first.versions()).toEqual([1, 2, 3, 4, 5]);
    expect([...first.versions(), ...second.versions()]).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(second.ended).toBe(false);
  }, 60_000);
});
