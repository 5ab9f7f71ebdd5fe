import { databaseSuite } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { COMMIT_ORIGIN } from '../committed-events.reader';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '../event-store.migrations';
import { RelayCheckpoints, type RelayDestination } from './relay-checkpoints';

const FIRST: RelayDestination = { clusterId: 'cluster-a', topic: 'account-events', topicId: 'BeHY5MWjS1uu2Wmq3Acw1A' };
const RECREATED: RelayDestination = { ...FIRST, topicId: 'dkE3ZV1dRJ2Bq3ktmVtCvQ' };

describe('relay checkpoints', () => {
  const db = databaseSuite({ migrations: eventStoreMigrations, migrationsTable: EVENT_STORE_MIGRATIONS_TABLE, poolSize: 2, session: true });
  let name = '';
  let checkpoints: RelayCheckpoints;

  beforeEach(() => {
    name = `relay-${randomUUID()}`;
    checkpoints = new RelayCheckpoints(name);
  });

  it('given a relay that never saved, when loaded, then it is at the origin with no destination', async () => {
    expect(await checkpoints.load(db.session)).toEqual({ position: COMMIT_ORIGIN, destination: null });
    expect(await checkpoints.load(db.pool)).toEqual({ position: COMMIT_ORIGIN, destination: null });
  });

  it('given a saved position, when an older one is saved later, then the position does not move back', async () => {
    await checkpoints.save(db.session, { transactionId: '100', globalPosition: '7' });

    await checkpoints.save(db.session, { transactionId: '99', globalPosition: '50' });

    expect((await checkpoints.load(db.session)).position).toEqual({ transactionId: '100', globalPosition: '7' });
    expect((await new RelayCheckpoints(`${name}-other`).load(db.session)).position).toEqual(COMMIT_ORIGIN);
  });

  it('given positions beyond 2^53, when saved and loaded, then they come back exactly', async () => {
    const far = { transactionId: '9007199254740993', globalPosition: '9007199254740995' };

    await checkpoints.save(db.session, far);

    expect((await checkpoints.load(db.session)).position).toEqual(far);
  });

  it('given a position, when a destination is recorded, then the position stays and later saves keep the destination', async () => {
    await checkpoints.save(db.session, { transactionId: '100', globalPosition: '7' });

    await checkpoints.recordDestination(db.session, FIRST);
    await checkpoints.save(db.session, { transactionId: '101', globalPosition: '9' });

    expect(await checkpoints.load(db.session)).toEqual({
      position: { transactionId: '101', globalPosition: '9' },
      destination: FIRST,
    });
  });

  it('given no row yet, when a destination is recorded, then the relay starts at the origin with it', async () => {
    await checkpoints.recordDestination(db.session, { ...FIRST, topicId: null });

    expect(await checkpoints.load(db.session)).toEqual({ position: COMMIT_ORIGIN, destination: { ...FIRST, topicId: null } });
  });

  it('given a position and a destination, when restarted at a new destination, then it is back at the origin with the new one', async () => {
    await checkpoints.save(db.session, { transactionId: '100', globalPosition: '7' });
    await checkpoints.recordDestination(db.session, FIRST);

    await checkpoints.restartAt(db.session, RECREATED);
    await checkpoints.save(db.session, { transactionId: '50', globalPosition: '3' });

    expect(await checkpoints.load(db.session)).toEqual({
      position: { transactionId: '50', globalPosition: '3' },
      destination: RECREATED,
    });
  });

  it('given a hostile or oversized destination, when recorded, then it is refused and nothing changes', async () => {
    await checkpoints.save(db.session, { transactionId: '100', globalPosition: '7' });
    await checkpoints.recordDestination(db.session, FIRST);

    await expect(checkpoints.restartAt(db.session, { ...FIRST, topic: 'x'.repeat(250) })).rejects.toThrow(/check constraint/);
    await expect(checkpoints.recordDestination(db.session, { ...FIRST, clusterId: '' })).rejects.toThrow(/check constraint/);
    await checkpoints.recordDestination(db.session, { ...FIRST, topic: "account-events'; DROP TABLE event_store.events; --" });

    expect((await checkpoints.load(db.session)).position).toEqual({ transactionId: '100', globalPosition: '7' });
    expect((await checkpoints.load(db.session)).destination?.topic).toBe("account-events'; DROP TABLE event_store.events; --");
    expect((await db.pool.query('SELECT count(*)::int AS n FROM event_store.events')).rows).toEqual([{ n: 0 }]);
  });
});
