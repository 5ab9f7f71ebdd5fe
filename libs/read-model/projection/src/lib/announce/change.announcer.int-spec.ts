import { READ_MODEL_CHANGED_CHANNEL } from '@ledger/read-model-schema';
import { createTestDatabase, eventually, testPool, type TestDatabase } from '@ledger/testing';
import { Client } from 'pg';
import type { Pool } from 'pg';
import { ChangeAnnouncer } from './change.announcer';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('ChangeAnnouncer (real Postgres)', () => {
  let database: TestDatabase;
  let pool: Pool;
  let listener: Client;
  const heard: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = testPool(database.url, 2);
    listener = new Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${READ_MODEL_CHANGED_CHANNEL}`);
  });

  afterEach(() => {
    heard.length = 0;
  });

  afterAll(async () => {
    await listener.end();
    await pool.end();
    await database.drop();
  });

  const warnings: string[] = [];
  const announcer = () =>
    new ChangeAnnouncer({ connectionString: database.url, applicationName: 'projector-notify', warn: (message) => warnings.push(message) });

  it('opens with "*" so readers left waiting re-check, then names each moved account and its version', async () => {
    const subject = announcer();
    try {
      await subject.onApplicationBootstrap();
      await subject.announce([
        { accountId: A, version: 3 },
        { accountId: B, version: 7 },
      ]);
      await subject.announce([]);
      await eventually(
        () => heard.length >= 2,
        10_000,
        'two notifications',
        () => heard,
      );
      expect(heard).toEqual(['*', `${A}:3,${B}:7`]);
    } finally {
      await subject.onApplicationShutdown();
    }
  });

  it('sends what batches moved while a notification was on its way together, in the next one', async () => {
    const subject = announcer();
    try {
      await Promise.all([
        subject.announce([{ accountId: A, version: 1 }]),
        subject.announce([{ accountId: A, version: 2 }]),
        subject.announce([{ accountId: B, version: 3 }]),
      ]);
      await eventually(
        () => heard.length >= 3,
        10_000,
        'three notifications',
        () => heard,
      );
      expect(heard).toEqual(['*', `${A}:1`, `${A}:2,${B}:3`]);
    } finally {
      await subject.onApplicationShutdown();
    }
  });

  it('given its session was killed, then the next announcement reconnects and opens with "*" again, and a failure never throws', async () => {
    const subject = announcer();
    try {
      await subject.announce([{ accountId: A, version: 1 }]);
      await eventually(() => heard.length >= 2, 10_000, 'the first session to notify');
      await pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'projector-notify' AND datname = current_database()`,
      );
      heard.length = 0;
      // The first attempt may find the session dead and give up; one of the next ones reconnects.
      await eventually(
        async () => {
          await subject.announce([{ accountId: B, version: 2 }]);
          return heard.includes(`${B}:2`);
        },
        10_000,
        'an announcement after the session was killed',
        () => heard,
      );
      expect(heard[0]).toBe('*');
    } finally {
      await subject.onApplicationShutdown();
    }
  });
});
