import { bulkAppend, databaseSuite, eventually } from '@ledger/testing';
import { sleep } from '@ledger/platform';
import { COMMIT_ORIGIN, readCommittedBatch, type CommittedEvent } from '../committed-events.reader';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '../event-store.migrations';
import { newEvent } from '../testing/event.fixture';
import { RelayCheckpoints } from './relay-checkpoints';
import { sampleRelayLag } from './relay-lag';

const event = (streamId: string, version: number) => ({ ...newEvent(), streamId, version });

describe('relay lag', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 4, session: true });
  const checkpoints = new RelayCheckpoints('lagging');

  it('given an empty store, when sampled, then nothing is pending', async () => {
    const lag = await sampleRelayLag(db.pool, 'lagging');

    expect(lag).toMatchObject({ pendingEvents: 0, oldestUnrelayedAgeSeconds: 0 });
  });

  it('given events after the checkpoint, when sampled, then they are pending until the checkpoint passes them', async () => {
    await bulkAppend(db.pool, [event('a', 1), event('b', 1), event('a', 2)]);
    // Not a wait: lets the events age, so the sampled age is time that passed and not a rounding.
    await sleep(50);

    const behind = await sampleRelayLag(db.pool, 'lagging');
    // The horizon is cluster-wide: another suite's open transaction may hide the events for a moment.
    let read: CommittedEvent[] = [];
    await eventually(
      async () => (read = await readCommittedBatch(db.session, COMMIT_ORIGIN, 2)).length === 2,
      15_000,
      'the two first events readable',
    );
    const second = read[1];
    if (second === undefined) throw new Error('the two first events are not readable');
    await checkpoints.save(db.session, second);
    const oneLeft = await sampleRelayLag(db.pool, 'lagging');
    const other = await sampleRelayLag(db.pool, 'another-relay');

    expect(behind.pendingEvents).toBe(3);
    expect(behind.oldestUnrelayedAgeSeconds).toBeGreaterThan(0);
    expect(oneLeft.pendingEvents).toBe(1);
    expect(other.pendingEvents).toBe(3);
  });

  it('given a transaction that wrote and stays open, when sampled, then its age is reported', async () => {
    const open = await db.pool.connect();
    try {
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');

      let age = 0;
      await eventually(
        async () => {
          age = (await sampleRelayLag(db.pool, 'lagging')).oldestOpenTransactionAgeSeconds;
          return age >= 0.3;
        },
        15_000,
        'the open transaction to show',
      );

      expect(age).toBeGreaterThanOrEqual(0.3);
    } finally {
      await open.query('ROLLBACK');
      open.release();
    }
  });
});
