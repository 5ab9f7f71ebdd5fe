import { PostgresEventStore, type NewEvent } from '@ledger/event-store';
import { Client, type Pool } from 'pg';
import { ORIGIN, type Checkpoint } from './checkpoint';
import { CheckpointRepository } from './checkpoint.repository';
import { readCommittedBatch } from './committed-events.reader';
import { newEvent } from '../testing/event-writers';
import { relayTestEnv, type RelayTestEnv } from '../testing/relay-test-env';

/**
 * The horizon is cluster-wide: a transaction of another suite that started before our append holds
 * it back for a moment, so reads that expect rows wait for them.
 */
async function readAtLeast(session: Client, after: Checkpoint, limit: number, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const read = await readCommittedBatch(session, after, limit);
    if (read.length >= count || Date.now() > deadline) return read;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const events = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => newEvent(i));

describe('committed events reader', () => {
  let env: RelayTestEnv;
  let session: Client;
  let store: PostgresEventStore;

  beforeAll(async () => {
    env = await relayTestEnv();
    session = new Client({ connectionString: env.db.url });
    await session.connect();
    store = new PostgresEventStore(env.pool);
  });

  afterAll(async () => {
    await session.end();
    await env.dispose([]);
  });

  beforeEach(async () => {
    await env.pool.query('TRUNCATE event_store.events, event_store.streams, event_store.relay_checkpoints');
  });

  it('given one append of 12 events, when read, then they come in position order (numerically, not as text)', async () => {
    await store.append({ streamId: 'a', expectedVersion: 0, events: events(12) });

    const read = await readAtLeast(session, ORIGIN, 100, 12);

    expect(read.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('given an open transaction with a lower xid, when a later one commits, then nothing after the open one is read until it ends', async () => {
    const open = await env.pool.connect();
    try {
      await open.query('BEGIN');
      await new PostgresEventStore({ query: open.query.bind(open) } as unknown as Pool).append({
        streamId: 'slow',
        expectedVersion: 0,
        events: events(1),
      });
      await store.append({ streamId: 'fast', expectedVersion: 0, events: events(2) });

      const whileOpen = await readCommittedBatch(session, ORIGIN, 100);
      await open.query('COMMIT');
      const afterCommit = await readAtLeast(session, ORIGIN, 100, 3);

      expect(whileOpen).toEqual([]);
      expect(afterCommit.map((e) => `${e.streamId}:${e.version}`)).toEqual(['slow:1', 'fast:1', 'fast:2']);
    } finally {
      open.release();
    }
  });

  it('given a rolled-back append, when read, then its events never appear and later ones do', async () => {
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      await new PostgresEventStore({ query: client.query.bind(client) } as unknown as Pool).append({
        streamId: 'gone',
        expectedVersion: 0,
        events: events(3),
      });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await store.append({ streamId: 'kept', expectedVersion: 0, events: events(1) });

    const read = await readAtLeast(session, ORIGIN, 100, 1);

    expect(read.map((e) => e.streamId)).toEqual(['kept']);
  });

  it('given a checkpoint, when read with a limit, then reading resumes exactly after it', async () => {
    await store.append({ streamId: 'a', expectedVersion: 0, events: events(5) });
    const first = await readAtLeast(session, ORIGIN, 2, 2);
    const last = first[first.length - 1];
    if (last === undefined) throw new Error('nothing read');

    const rest = await readAtLeast(session, last, 100, 3);

    expect(first.map((e) => e.version)).toEqual([1, 2]);
    expect(rest.map((e) => e.version)).toEqual([3, 4, 5]);
  });

  it('given a saved checkpoint, when an older one is saved later, then the checkpoint does not move back', async () => {
    const checkpoints = new CheckpointRepository('test');
    await checkpoints.save(session, { transactionId: '100', globalPosition: '7' });

    await checkpoints.save(session, { transactionId: '99', globalPosition: '50' });

    expect(await checkpoints.load(session)).toEqual({ transactionId: '100', globalPosition: '7' });
    expect(await new CheckpointRepository('other').load(session)).toEqual(ORIGIN);
  });
});
