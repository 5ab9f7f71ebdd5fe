import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { runMigrations } from '@ledger/platform';
import type { MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

export interface TestDatabase {
  readonly url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** The server the tests talk to: `DATABASE_URL` when set, else the local one `tools/infra` provides. */
export function testServerUrl(): string {
  return process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/ledger';
}

/**
 * The same server and database as another role, e.g. an app's (DATABASE_ROLES): the roles have no
 * password, which the test server's trust authentication does not ask for.
 */
export function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database per test suite, so suites run in parallel without sharing rows, migrated with
 * the given TypeORM migrations exactly as production is.
 */
export async function createTestDatabase(
  migrations: readonly MigrationClass[] = [],
  migrationsTableName = 'public.typeorm_migrations',
): Promise<TestDatabase> {
  const name = `ledger_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(testServerUrl(), name);
  if (migrations.length > 0) await runMigrations({ url, migrations, tableName: migrationsTableName });
  return {
    url,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A pool on a test database. Its idle connections are ended by the database's forced drop at the end
 * of the suite; without an error listener that ending would surface as an unhandled error.
 */
export function testPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/** A connected session of its own on a test database (outside any pool); like testPool's, it outlives the forced drop quietly. */
export async function testSession(url: string): Promise<Client> {
  const session = new Client({ connectionString: url });
  session.on('error', () => undefined);
  await session.connect();
  return session;
}
