import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { accountPartitioner, fetchTopicId } from '@ledger/messaging';
import { AccountHistory, createTestDatabase, eventually, testPool, type TestDatabase } from '@ledger/testing';
import type { Pool } from 'pg';
import { storedMessages, storeVersions, verifyReadModel } from '../testing/event-store.fixture';
import { metricValue, startProjector, type InProcessProjector } from '../testing/projector-harness';
import { projectorTestEnv, waitForGroupAtEnd, type ProjectorTestEnv } from '../testing/projector-test-env';

const PARTITIONS = 3;
const ACCOUNTS = 12;
/** Published to the first topic. */
const BEFORE = [1, 2, 3, 4];
/** Stored once the topic was recreated: what the relay sends to it before it notices the change. */
const AFTER = [5, 6];
const EVENTS = ACCOUNTS * (BEFORE.length + AFTER.length);
/** No account hashes here: a partition nothing is ever sent to must not keep the group from counting as done. */
const EMPTY_PARTITION = 0;

/** Accounts whose keys all land off `EMPTY_PARTITION` (the relay's murmur2 partitioner). */
function historiesAvoiding(partition: number): AccountHistory[] {
  const partitionOf = accountPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, id) => ({
    partitionId: id,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const histories: AccountHistory[] = [];
  while (histories.length < ACCOUNTS) {
    const history = new AccountHistory({ deposits: BEFORE.length + AFTER.length - 1 });
    if (partitionOf({ topic: 'any', partitionMetadata, message: { key: history.accountId, value: null } }) !== partition) {
      histories.push(history);
    }
  }
  return histories;
}

/**
 * The relay republishes the whole store to a topic deleted and created again (RELAY_ON_NEW_TOPIC=
 * republish); until it notices, at most one batch per partition of new events reaches the new topic
 * ahead of that history. Here the test plays the relay: it publishes the stored events exactly as the
 * relay does (the relay's own recreation test covers how it notices), and the projector must end with
 * a read model that `ledger verify` finds equal to the store.
 */
describe('projector on a topic deleted and created again, the store republished (real Kafka and Postgres)', () => {
  let env: ProjectorTestEnv;
  let storeDatabase: TestDatabase;
  let store: Pool;
  let topic: string;
  const histories = historiesAvoiding(EMPTY_PARTITION);
  const running: InProcessProjector[] = [];

  const start = async (groupId: string) => {
    const projector = await startProjector({
      databaseUrl: env.db.url,
      brokers: env.brokers,
      topic,
      groupId,
      env: { PROJECTOR_BATCH_SIZE: '5' },
    });
    running.push(projector);
    return projector;
  };
  const stop = async (projector: InProcessProjector) => {
    running.splice(running.indexOf(projector), 1);
    await projector.close();
  };

  /** Deletes the topic and creates it again, then waits until it answers under its new id. */
  const recreateTopic = async () => {
    const oldId = await fetchTopicId({ brokers: env.brokers, topic });
    await env.admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    await eventually(
      async () => {
        await env.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }).catch(() => false);
        const id = await fetchTopicId({ brokers: env.brokers, topic }).catch(() => null);
        return id !== null && id !== oldId;
      },
      60_000,
      `topic ${topic} to exist again under a new id`,
      undefined,
      500,
    );
    // A partition just created answers NOT_LEADER (or UNKNOWN_TOPIC_OR_PARTITION) until its leader is elected.
    const partitionsWithOffsets = () =>
      env.admin.fetchTopicOffsets(topic).then(
        (offsets) => offsets.length,
        () => 0,
      );
    await eventually(async () => (await partitionsWithOffsets()) === PARTITIONS, 30_000, 'the new partitions to have leaders');
  };

  /** What the relay sends to the recreated topic: new events first (before it notices), then the whole store. */
  const republish = async () => {
    await env.produce(topic, await storedMessages(store, (event) => event.version > BEFORE.length));
    await env.produce(topic, await storedMessages(store));
  };

  const unresolved = async (readModel: Pool) => {
    const { rows } = await readModel.query<{ parked: number; open_dead_letters: number }>(
      `SELECT (SELECT count(*) FROM read_model.parked_accounts)::int AS parked,
              (SELECT count(*) FROM read_model.dead_letters WHERE status = 'open')::int AS open_dead_letters`,
    );
    return rows[0];
  };

  const appliedEvents = async (readModel: Pool) =>
    (await readModel.query<{ n: number }>(`SELECT count(*)::int AS n FROM read_model.account_transactions`)).rows[0]?.n ?? 0;

  const expectConsistent = async (readModel: Pool) => {
    const { summary, differences } = await verifyReadModel(store, readModel);
    expect(differences).toEqual([]);
    expect(summary).toMatchObject({ streams: ACCOUNTS, events: EVENTS, accountRows: ACCOUNTS, transactionRows: EVENTS });
    expect(await unresolved(readModel)).toEqual({ parked: 0, open_dead_letters: 0 });
  };

  /**
   * Every event applied, and the group past every message of the new topic: each partition holding
   * messages committed exactly at its end (not merely past it). A partition nothing was sent to has
   * nothing to commit, whatever offset the group keeps for it.
   */
  const waitForProjectedToEnd = async (groupId: string) => {
    const state = async () => ({
      applied: await appliedEvents(env.pool),
      committed: [...(await env.committedOffsets(groupId, topic))],
      ends: [...(await env.endOffsets(topic))],
    });
    await eventually(
      async () => {
        const { applied, committed, ends } = await state();
        const at = new Map(committed);
        return applied === EVENTS && ends.every(([partition, end]) => end === '0' || at.get(partition) === end);
      },
      90_000,
      `every event applied and group ${groupId} at the end of the new ${topic}`,
      state,
      200,
    );
  };

  /** Stops the first topic's projector, recreates the topic with the new events only, and leaves the group's old offsets on it. */
  const recreateBehindStoppedProjector = async (groupId: string) => {
    await stop(await projectFirstTopic(groupId));
    // The empty partition has no committed offset (-1) to carry over.
    const committed = new Map([...(await env.committedOffsets(groupId, topic))].filter(([, offset]) => offset !== '-1'));
    await recreateTopic();
    await storeVersions(store, histories, AFTER);
    await env.produce(topic, await storedMessages(store, (event) => event.version > BEFORE.length));
    return committed;
  };

  /** As a broker that kept the group's offsets through the deletion (or a late commit of the old consumer) would leave them. */
  const restoreOffsets = (groupId: string, committed: ReadonlyMap<number, string>) =>
    env.admin.setOffsets({ groupId, topic, partitions: [...committed].map(([partition, offset]) => ({ partition, offset })) });

  /** The first topic's life: the stored history published, a projector at its end. */
  const projectFirstTopic = async (groupId: string) => {
    await storeVersions(store, histories, BEFORE);
    await env.produce(topic, await storedMessages(store));
    const projector = await start(groupId);
    await waitForGroupAtEnd(env, groupId, topic, 60_000);
    return projector;
  };

  beforeEach(async () => {
    env = await projectorTestEnv();
    storeDatabase = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    store = testPool(storeDatabase.url, 2);
    topic = await env.createTopic('projector-recreated', PARTITIONS);
  }, 60_000);

  afterEach(async () => {
    for (const projector of running.splice(0)) await projector.close();
    await store?.end();
    await storeDatabase?.drop();
    await env?.dispose();
  }, 60_000);

  it('given a running projector, when its topic is recreated and republished, then it applies the new events once and skips the history', async () => {
    const groupId = `running-${topic}`;
    const projector = await projectFirstTopic(groupId);

    await recreateTopic();
    await storeVersions(store, histories, AFTER);
    await republish();
    await waitForProjectedToEnd(groupId);

    await expectConsistent(env.pool);
    const metrics = await projector.metrics();
    expect(metricValue(metrics, 'ledger_projector_events_projected_total')).toBe(EVENTS);
    expect(metricValue(metrics, 'ledger_projector_dead_letters_total')).toBe(0);
  }, 240_000);

  it('given a group whose committed offsets lie beyond the new topic end, when the projector starts, then it reads the new topic from its start', async () => {
    const groupId = `beyond-${topic}`;
    const committed = await recreateBehindStoppedProjector(groupId);
    await restoreOffsets(groupId, committed);
    const ends = await env.endOffsets(topic);
    expect([...committed.keys()]).not.toContain(EMPTY_PARTITION);
    for (const [partition, offset] of committed) expect(Number(offset)).toBeGreaterThan(Number(ends.get(partition)));

    await start(groupId);
    await waitForProjectedToEnd(groupId);
    await expectConsistent(env.pool);

    await env.produce(topic, await storedMessages(store));
    await waitForProjectedToEnd(groupId);
    await expectConsistent(env.pool);
  }, 240_000);

  it('given a group whose committed offsets lie inside the republished topic, when the projector starts, then what it skips is history it has', async () => {
    const groupId = `inside-${topic}`;
    const committed = await recreateBehindStoppedProjector(groupId);
    await env.produce(topic, await storedMessages(store));
    await restoreOffsets(groupId, committed);

    await start(groupId);
    await waitForProjectedToEnd(groupId);

    // The relay republishes in commit order to the same partitions: below the old offsets lie the new
    // events sent before it noticed and the oldest of the history, all of them again further on.
    await expectConsistent(env.pool);
  }, 240_000);

  it('given a fresh read model, when a projector reads a recreated topic from its start, then the gaps the early events open close by themselves', async () => {
    await storeVersions(store, histories, BEFORE);
    await env.produce(topic, await storedMessages(store));
    await recreateTopic();
    await storeVersions(store, histories, AFTER);
    await republish();

    const groupId = `fresh-${topic}`;
    await start(groupId);
    await waitForProjectedToEnd(groupId);
    await eventually(async () => (await unresolved(env.pool))?.parked === 0, 30_000, 'every account unparked');

    await expectConsistent(env.pool);
    // The projection's own rule closed them: re-driven dead letters, and no operator tool ran.
    const statuses = await env.pool.query<{ status: string }>(`SELECT DISTINCT status FROM read_model.dead_letters`);
    expect(statuses.rows.map((row) => row.status)).toContain('redriven');
    const actions = await env.pool.query<{ action: string }>(`SELECT action FROM read_model.operator_actions`);
    expect(actions.rows).toEqual([]);
  }, 240_000);
});
