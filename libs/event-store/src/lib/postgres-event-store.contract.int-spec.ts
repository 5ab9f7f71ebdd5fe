import { createTestDatabase, testPool } from '@ledger/testing';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { PostgresEventStore } from './postgres-event-store';
import { describeEventStoreContract } from './testing/event-store.contract';

describeEventStoreContract(
  'PostgresEventStore',
  async () => {
    const db = await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
    const pool = testPool(db.url, 12);
    return {
      store: new PostgresEventStore(pool),
      close: async () => {
        await pool.end();
        await db.drop();
      },
    };
  },
  { describe, it, beforeAll, afterAll },
);
