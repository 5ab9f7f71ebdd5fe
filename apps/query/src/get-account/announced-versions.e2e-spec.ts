import { READ_MODEL_CHANGED_CHANNEL } from '@ledger/read-model-schema';
import { SseClient } from '@ledger/testing';
import { AccountStory, type Step } from '../testing/account-story.fixture';
import { eventually, queryAppSuite, type QueryApp } from '../testing/query-app.harness';

const READS = 'ledger_query_account_change_reads_total';
const WAITS = 'ledger_query_read_your_writes_waits_total';

/** A stream of the account, once the listener has heard version 2 announced (the stream got it). */
async function heardAtTwo(query: QueryApp, story: AccountStory): Promise<SseClient> {
  await query.project(story.messages([1]));
  const stream = await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, { authorization: query.authorization });
  await query.project(story.messages([2]));
  await stream.waitForMessages(1);
  return stream;
}

describe('read-your-writes, once the account was announced on the listening session', () => {
  const query = queryAppSuite();
  const open: SseClient[] = [];

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  it('given the account announced below minVersion, then the wait reads nothing until the version is announced', async () => {
    const story = new AccountStory({ steps: Array.from({ length: 2 }, (): Step => ({ deposit: 1n })) });
    open.push(await heardAtTwo(query, story));
    const [reads, waits] = [await query.metric(READS), await query.metric(WAITS)];

    const reply = query.get(`/accounts/${story.accountId}?minVersion=3&waitMs=10000`);
    await eventually(async () => (await query.metric(WAITS)) > waits, 15_000, 'the read to wait');
    expect(await query.metric(READS)).toBe(reads);

    await query.project(story.messages([3]));
    const answered = await reply;
    expect(answered.status).toBe(200);
    expect(answered.body.version).toBe(3);
  });

  it('given a `*` after a change nobody announced, then what was heard is forgotten and the read answers at once', async () => {
    const story = new AccountStory({ steps: Array.from({ length: 2 }, (): Step => ({ deposit: 1n })) });
    const stream = await heardAtTwo(query, story);
    open.push(stream);
    // A commit whose announcement was lost, as when a projector dies between its commit and its NOTIFY.
    await query.pool.query('UPDATE read_model.accounts SET version = 3 WHERE account_id = $1', [story.accountId]);
    const reads = await query.metric(READS);
    await query.pool.query('SELECT pg_notify($1, $2)', [READ_MODEL_CHANGED_CHANNEL, '*']);
    // The `*` woke the stream, which read: the listener has taken it in.
    await eventually(async () => (await query.metric(READS)) > reads, 15_000, 'the stream to re-read');
    const waits = await query.metric(WAITS);

    const reply = await query.get(`/accounts/${story.accountId}?minVersion=3&waitMs=10000`);

    expect(reply.status).toBe(200);
    expect(reply.body.version).toBe(3);
    expect(await query.metric(WAITS)).toBe(waits);
  });
});
