import { DataSource, MigrationInterface } from 'typeorm';

export interface MigrationSet {
  readonly url: string;
  readonly migrations: ReadonlyArray<new () => MigrationInterface>;
  readonly tableName: string;
}

/** Runs pending TypeORM migrations, each in its own transaction, and returns their names. */
export async function runMigrations(set: MigrationSet): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: set.url,
    migrations: [...set.migrations],
    migrationsTableName: set.tableName,
    logging: false,
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The `migrate` command of an app's main.ts: runs the set and says what it applied. */
export async function migrateAndReport(label: string, set: MigrationSet): Promise<void> {
  const applied = await runMigrations(set);
  process.stdout.write(`${label} migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}\n`);
}
