import { SseClient } from '@ledger/testing';
import { AccountStory, type Step } from '../testing/account-story.fixture';
import { eventually, queryAppSuite, type Reply } from '../testing/query-app.harness';

const READS = 'ledger_query_account_change_reads_total';
const STATEMENTS = 'ledger_query_account_change_read_statements_total';
const WAITS = 'ledger_query_read_your_writes_waits_total';
const STREAMS = 3;
const WAITERS = 2;

describe('the readers woken by one change', () => {
  const query = queryAppSuite();
  const open: SseClient[] = [];

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  it('of one account are served from one read: every stream gets the change once, every wait its answer', async () => {
    const story = new AccountStory({ steps: Array.from({ length: 3 }, (): Step => ({ deposit: 1n })) });
    await query.project(story.messages([1]));
    // Streams at different positions: one replays from the start, the others follow from the current version.
    const streams = [
      await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, {
        authorization: query.authorization,
        'last-event-id': '0',
      }),
    ];
    for (let i = 1; i < STREAMS; i++) {
      streams.push(await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, { authorization: query.authorization }));
    }
    open.push(...streams);
    await query.project(story.messages([2]));
    // Every stream has read and sent version 2: none reads now until the next change.
    await Promise.all(streams.map((stream) => eventually(() => stream.versions().includes(2), 15_000, 'version 2 on every stream')));

    const waits = await query.metric(WAITS);
    const answers: Promise<Reply>[] = [];
    for (let i = 0; i < WAITERS; i++) answers.push(query.get(`/accounts/${story.accountId}?minVersion=3&waitMs=10000`));
    await eventually(async () => (await query.metric(WAITS)) >= waits + WAITERS, 15_000, 'the reads to wait');
    const reads = await query.metric(READS);

    await query.project(story.messages([3]));

    const answered = await Promise.all(answers);
    expect(answered.map((reply) => [reply.status, reply.body.version])).toEqual(Array.from({ length: WAITERS }, () => [200, 3]));
    await Promise.all(streams.map((stream) => eventually(() => stream.versions().includes(3), 15_000, 'version 3 on every stream')));
    expect(streams[0]?.versions()).toEqual([1, 2, 3]);
    for (const stream of streams.slice(1)) expect(stream.versions()).toEqual([2, 3]);
    expect(await query.metric(READS)).toBe(reads + 1);
  });

  it('of two accounts changed in one projector transaction are served by one statement reading both', async () => {
    const stories = [0, 1].map(() => new AccountStory({ steps: Array.from({ length: 2 }, (): Step => ({ deposit: 1n })) }));
    await query.project(stories.flatMap((story) => story.messages([1])));
    const streams = [];
    for (const story of stories) {
      streams.push(await SseClient.connect(`${query.url}/accounts/${story.accountId}/stream`, { authorization: query.authorization }));
    }
    open.push(...streams);
    await query.project(stories.flatMap((story) => story.messages([2])));
    await Promise.all(streams.map((stream) => eventually(() => stream.versions().includes(2), 15_000, 'version 2 on every stream')));

    const waits = await query.metric(WAITS);
    const answers = stories.map((story) => query.get(`/accounts/${story.accountId}?minVersion=3&waitMs=10000`));
    await eventually(async () => (await query.metric(WAITS)) >= waits + stories.length, 15_000, 'the reads to wait');
    const [reads, statements] = [await query.metric(READS), await query.metric(STATEMENTS)];

    await query.project(stories.flatMap((story) => story.messages([3])));

    const answered = await Promise.all(answers);
    expect(answered.map((reply) => [reply.status, reply.body.accountId, reply.body.version])).toEqual(
      stories.map((story) => [200, story.accountId, 3]),
    );
    await Promise.all(streams.map((stream) => eventually(() => stream.versions().includes(3), 15_000, 'version 3 on every stream')));
    for (const stream of streams) expect(stream.versions()).toEqual([2, 3]);
    expect(await query.metric(STATEMENTS)).toBe(statements + 1);
    expect(await query.metric(READS)).toBe(reads + stories.length);
  });

  it('are read on connections that plan the prepared reads once (the batched read was otherwise planned on every call)', async () => {
    expect(await query.readModel.rows('SHOW plan_cache_mode', [])).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
  });
});
