import { required } from '@ledger/platform';
import type { Client, Pool } from 'pg';
import { createTestDatabase, testPool, testSession, type MigrationClass, type TestDatabase } from './test-database';

// Jest's hooks. Declared here rather than through Jest's types, so the tools that import this library
// (benchmarks, chaos) still compile without them; only a test suite calls databaseSuite.
declare const beforeAll: (hook: () => Promise<void>, timeoutMs?: number) => void;
declare const afterAll: (hook: () => Promise<void>) => void;

export interface DatabaseSuiteOptions {
  readonly migrations: readonly MigrationClass[];
  readonly migrationsTable: string;
  readonly poolSize: number;
  /** Also one connection outside the pool, as `session`, for readers that hold a session of their own. */
  readonly session?: boolean;
}

export interface DatabaseSuite {
  readonly url: string;
  readonly pool: Pool;
  readonly session: Client;
}

/**
 * A fresh migrated database for the enclosing describe: created before its tests, dropped after them.
 * Its pool and session are read when a test runs (the object is returned before the database exists).
 */
export function databaseSuite(options: DatabaseSuiteOptions): DatabaseSuite {
  let state: { database: TestDatabase; pool: Pool; session?: Client } | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase(options.migrations, options.migrationsTable);
    const pool = testPool(database.url, options.poolSize);
    state = { database, pool, ...(options.session === true ? { session: await testSession(database.url) } : {}) };
  }, 30_000);
  afterAll(async () => {
    await state?.session?.end();
    await state?.pool.end();
    await state?.database.drop();
  });
  const current = () => required(state, 'the suite database (read before beforeAll ran)');
  return {
    get url() {
      return current().database.url;
    },
    get pool() {
      return current().pool;
    },
    get session() {
      return required(current().session, 'a session (databaseSuite({ session: true }))');
    },
  };
}
