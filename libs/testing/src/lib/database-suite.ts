import { required } from '@ledger/platform';
import type { Client, Pool } from 'pg';
import { suiteResource } from './suite-resource';
import { createTestDatabase, testPool, testSession, type MigrationClass } from './test-database';

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
  /** Another session of its own, ended with the suite. */
  openSession(): Promise<Client>;
}

/**
 * A fresh migrated database for the enclosing describe: created before its tests, dropped after them.
 * Its pool and session are read when a test runs (the object is returned before the database exists).
 */
export function databaseSuite(options: DatabaseSuiteOptions): DatabaseSuite {
  const current = suiteResource(
    'the suite database',
    async () => {
      const database = await createTestDatabase(options.migrations, options.migrationsTable);
      const pool = testPool(database.url, options.poolSize);
      const sessions = options.session === true ? [await testSession(database.url)] : [];
      return { database, pool, sessions };
    },
    async ({ database, pool, sessions }) => {
      for (const session of sessions) await session.end().catch(() => undefined);
      await pool.end();
      await database.drop();
    },
    30_000,
  );
  return {
    get url() {
      return current().database.url;
    },
    get pool() {
      return current().pool;
    },
    get session() {
      return required(options.session === true ? current().sessions[0] : undefined, 'a session (databaseSuite({ session: true }))');
    },
    openSession: async () => {
      const { database, sessions } = current();
      const session = await testSession(database.url);
      sessions.push(session);
      return session;
    },
  };
}
