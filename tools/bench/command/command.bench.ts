/**
 * `npm run bench:command [-- --duration 15 --warmup 3 --warmup-requests 30000 --connections 64 --accounts 10000 --pool 20
 *   --batches 2 --contenders raw,group,single,transfer,transfer-hot,http,http-fresh-token,http-transfer,
 *   http-transfer-hot,floor --only transfers --rounds 3 --no-build]`
 *
 * Deposits over many accounts at fixed concurrency, the contenders in one run against one fresh
 * database: (a) a raw single-row INSERT per operation (the durable-write ceiling of this machine),
 * (b) the command pipeline in process on the event store with group commit, (c) the same with one
 * statement and commit per append, (d) the built command app over HTTP as the ledger-bench service
 * (one token: verified once, then from the app's cache), (d') the same with a token the app has not
 * seen on every request (what verifying a signature adds), and (e) the HTTP floor: the same requests
 * answered by Fastify alone (what one Node process can serve here at best).
 *
 * Transfers beside them, on the same accounts (each opened with a balance no run exhausts): (f) the
 * transfer handler in process on the group-commit store (three streams appended in one transaction),
 * between disjoint pairs, (f') the same with every transfer from one hot source account, and (g), (g')
 * both over HTTP to the built app's POST /transfers. A second table sets each transfer beside its
 * deposit: how much more a transfer costs, in time per operation and in CPU (the process's and the
 * Postgres backends'). `--only transfers` runs just those and the deposits they are compared with.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { VERIFIED_TOKEN_CACHE_SIZE } from '@ledger/auth';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { DATABASE_ROLES, runMigrations } from '@ledger/platform';
import { asRole, startChildApp, testIssuerUrl } from '@ledger/testing';
import { benchCaller, distinctBenchTokens } from '../lib/bench-caller';
import { createBenchDatabase, DEFAULT_SERVER_URL } from '../lib/bench-database';
import { nonNegativeNumber, positiveNumber } from '../lib/bench-options';
import { freePort, TYPESCRIPT_NODE_ARGS } from '@ledger/tooling';
import { forEachConcurrently } from '../lib/closed-loop';
import { BackendCpu } from '../lib/backend-cpu';
import { machineInfo } from '../lib/machine-info';
import { formatTable } from '../lib/table';
import { postJson } from '../lib/command-http';
import { AccountWorkload } from './account-workload';
import {
  benchStore,
  ContenderResult,
  depositCalls,
  HTTP_APP,
  HTTP_FLOOR,
  HTTP_FRESH_TOKEN,
  HTTP_TRANSFER,
  HttpCall,
  httpRequests,
  LIBRARY_TRANSFER,
  libraryAppend,
  libraryTransfers,
  RAW_CONTENDER,
  rawInsert,
  RunShape,
  transferCalls,
} from './contenders';
import { hotSource, pairs, type TransferShape } from './account-pairs';
import { transferCostRatios } from './transfer-cost';
import { mergeRounds, ratioOverRounds } from './rounds';
import { formatRefusals } from './refusals';

const ROOT = join(__dirname, '..', '..', '..');
const APP_MAIN = join(ROOT, 'dist', 'apps', 'command', 'main.js');
const FLOOR_MAIN = join(__dirname, 'http-floor.server.ts');
const RESULTS = join(ROOT, 'tools', 'bench', 'results', 'command.json');
/** Taken in turn, more tokens than the app's verified-token cache holds: each is evicted before it comes round again. */
const FRESH_TOKENS = VERIFIED_TOKEN_CACHE_SIZE + 1_000;
const ALL_CONTENDERS = 'raw,group,single,transfer,transfer-hot,http,http-fresh-token,http-transfer,http-transfer-hot,floor';
/** `--only transfers`: the transfer contenders and the deposits they are set beside. */
const PRESETS: Readonly<Record<string, string>> = {
  transfers: 'group,transfer,transfer-hot,http,http-transfer,http-transfer-hot',
};

function contendersOf(list: string, only: string | undefined): Set<string> {
  if (only === undefined) return new Set(list.split(','));
  const preset = PRESETS[only];
  if (preset === undefined) throw new Error(`--only must be one of ${Object.keys(PRESETS).join(', ')}, got ${only}`);
  return new Set(preset.split(','));
}

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '3' },
      // HTTP contenders keep warming up, --warmup seconds at a time, until this many requests were answered.
      'warmup-requests': { type: 'string', default: '30000' },
      connections: { type: 'string', default: '64' },
      accounts: { type: 'string', default: '10000' },
      // The command app's DATABASE_POOL_SIZE default; every contender gets a pool this size.
      pool: { type: 'string', default: '20' },
      // Group commit batches in flight for (b); the event store's default when absent.
      batches: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      // A subset, e.g. --contenders raw,http; % of raw needs raw.
      // Another build of the app to compare, e.g. a copy of main.js from before a change.
      'app-main': { type: 'string', default: APP_MAIN },
      contenders: { type: 'string', default: ALL_CONTENDERS },
      // A named subset instead of --contenders: transfers.
      only: { type: 'string' },
      // Extra environment for the app, e.g. --app-env LOG_LEVEL=info
      'app-env': { type: 'string', multiple: true, default: [] },
      // Extra node flags for the app, e.g. --app-node-args=--cpu-prof
      'app-node-args': { type: 'string', default: '' },
      // Run every contender this many times, in turn, and report the medians (rounds.ts says why).
      rounds: { type: 'string', default: '1' },
    },
  });
  return {
    durationMs: positiveNumber('duration', values.duration) * 1000,
    warmupMs: positiveNumber('warmup', values.warmup) * 1000,
    warmupRequests: Math.round(nonNegativeNumber('warmup-requests', values['warmup-requests'])),
    connections: Math.round(positiveNumber('connections', values.connections)),
    accounts: Math.round(positiveNumber('accounts', values.accounts)),
    poolSize: Math.round(positiveNumber('pool', values.pool)),
    batches: values.batches === undefined ? undefined : Math.round(positiveNumber('batches', values.batches)),
    rounds: Math.round(positiveNumber('rounds', values.rounds)),
    build: !values['no-build'],
    appNodeArgs: values['app-node-args'].split(' ').filter(Boolean),
    appMain: values['app-main'],
    contenders: contendersOf(values.contenders, values.only),
    appEnv: Object.fromEntries(values['app-env'].map((pair) => pair.split('=', 2) as [string, string])),
  };
}

function buildApp(): void {
  process.stdout.write('building the command app (nx build command)...\n');
  const build = spawnSync('npx', ['nx', 'build', 'command'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`nx build command failed (exit ${build.status})`);
}

async function openAccounts(url: string, count: number, poolSize: number): Promise<string[]> {
  const accounts = Array.from({ length: count }, () => randomUUID());
  const pool = new Pool({ connectionString: url, max: poolSize });
  try {
    const workload = new AccountWorkload(benchStore(pool, {}));
    await forEachConcurrently(accounts, 64, (id) => workload.open(id));
  } finally {
    await pool.end();
  }
  return accounts;
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.build) buildApp();

  // Over HTTP as the ledger-bench service, which opened the accounts below (their owner) and is not rate limited.
  const caller = await benchCaller();
  const serviceAuthorization = () => caller.authorization;
  const serverUrl = process.env['DATABASE_URL'] ?? DEFAULT_SERVER_URL;
  const database = await createBenchDatabase(serverUrl, 'ledger_bench');
  process.stdout.write(`database ${database.name}\n`);
  let backends: BackendCpu | null = null;
  try {
    await runMigrations({
      url: database.url,
      migrations: eventStoreMigrations,
      tableName: EVENT_STORE_MIGRATIONS_TABLE,
    });
    const machine = await machineInfo(database.url);
    backends = await BackendCpu.open(database.url, database.name);
    const shape: RunShape = { ...opts, backends };
    const t0 = performance.now();
    const accounts = await openAccounts(database.url, opts.accounts, opts.poolSize);
    process.stdout.write(`opened ${accounts.length} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    const seconds = `${opts.durationMs / 1000} s (+${opts.warmupMs / 1000} s warm-up; over HTTP, ${opts.warmupRequests} requests at least)`;
    const groupCommit = opts.batches === undefined ? {} : { maxBatchesInFlight: opts.batches };
    const rounds: ContenderResult[][] = [];
    // The contenders below push into the current round's list.
    let results: ContenderResult[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      if (opts.rounds > 1) process.stdout.write(`round ${round} of ${opts.rounds}\n`);
      results = [];
      rounds.push(results);
      await runRound();
    }
    results = mergeRounds(rounds);

    async function runRound(): Promise<void> {
      if (opts.contenders.has('raw')) {
        process.stdout.write(`raw insert, ${seconds}...\n`);
        results.push(await rawInsert(database.url, accounts, shape));
      }
      if (opts.contenders.has('group')) {
        process.stdout.write(`library append with group commit, ${seconds}...\n`);
        results.push(await libraryAppend(database.url, accounts, shape, groupCommit));
      }
      if (opts.contenders.has('single')) {
        process.stdout.write(`library append, one commit each, ${seconds}...\n`);
        results.push(await libraryAppend(database.url, accounts, shape, false));
      }
      for (const spread of ['spread', 'hot'] as const) {
        if (!opts.contenders.has(spread === 'hot' ? 'transfer-hot' : 'transfer')) continue;
        process.stdout.write(`${LIBRARY_TRANSFER[spread].contender}, ${seconds}...\n`);
        results.push(await libraryTransfers(database.url, accounts, shape, groupCommit, spread));
      }
      if (opts.contenders.has('http')) await runHttp(HTTP_APP, serviceAuthorization, depositCalls(accounts));
      if (opts.contenders.has('http-fresh-token')) {
        const t1 = performance.now();
        const tokens = await distinctBenchTokens(FRESH_TOKENS);
        process.stdout.write(`minted ${tokens.length} distinct tokens in ${((performance.now() - t1) / 1000).toFixed(1)} s\n`);
        let next = 0;
        await runHttp(HTTP_FRESH_TOKEN, () => `Bearer ${tokens[next++ % tokens.length]}`, depositCalls(accounts));
      }
      for (const spread of ['spread', 'hot'] as const) {
        if (!opts.contenders.has(spread === 'hot' ? 'http-transfer-hot' : 'http-transfer')) continue;
        await runHttp(HTTP_TRANSFER[spread], serviceAuthorization, transferCalls(transferPairs(spread)), transfersServed);
      }
      if (opts.contenders.has('floor')) await runFloor();
    }

    async function runFloor(): Promise<void> {
      const port = await freePort();
      const floor = await startChildApp({
        main: FLOOR_MAIN,
        port,
        nodeArgs: TYPESCRIPT_NODE_ARGS,
        args: [String(port)],
        readyPath: '/health/ready',
        env: process.env,
      });
      try {
        process.stdout.write(`HTTP floor, ${seconds}...\n`);
        results.push(
          await httpRequests(
            { ...HTTP_FLOOR, baseUrl: floor.baseUrl, pid: floor.process.pid ?? 0, authorization: serviceAuthorization },
            depositCalls(accounts),
            shape,
          ),
        );
      } finally {
        await floor.stop();
      }
    }

    function transferPairs(spread: TransferShape): () => readonly [string, string] {
      return spread === 'hot' ? hotSource(accounts) : pairs(accounts);
    }

    /** Whether the app serves POST /transfers: one real transfer, or false when the route is not there (404). */
    async function transfersServed(baseUrl: string): Promise<boolean> {
      const [fromAccountId, toAccountId] = pairs(accounts)();
      const body = { transferId: randomUUID(), fromAccountId, toAccountId, amount: 1, currency: 'EUR' };
      const { status } = await postJson(`${baseUrl}/transfers`, body, caller);
      if (status === 404) return false;
      if (status !== 201) throw new Error(`POST /transfers answered ${status} to a transfer between funded accounts`);
      return true;
    }

    async function runHttp(
      contender: { readonly contender: string; readonly description: string },
      authorization: () => string,
      call: () => HttpCall,
      served: (baseUrl: string) => Promise<boolean> = () => Promise.resolve(true),
    ): Promise<void> {
      const port = await freePort();
      const app = await startChildApp({
        main: opts.appMain,
        port,
        nodeArgs: opts.appNodeArgs,
        readyPath: '/health/ready',
        env: {
          ...process.env,
          // As its own role (the migrations above ran as the server's admin), trusting the stack's issuer.
          DATABASE_URL: asRole(database.url, DATABASE_ROLES.command),
          OIDC_ISSUER: testIssuerUrl(),
          DATABASE_POOL_SIZE: String(opts.poolSize),
          COMMAND_PORT: String(port),
          LOG_LEVEL: 'warn',
          ...opts.appEnv,
        },
      });
      try {
        if (!(await served(app.baseUrl))) {
          process.stdout.write(`${contender.contender}: skipped, the app answers 404 (a build without the route)\n`);
          return;
        }
        process.stdout.write(`${contender.contender}, ${seconds}...\n`);
        const sheds = contender === HTTP_TRANSFER.hot;
        results.push(
          await httpRequests({ ...contender, baseUrl: app.baseUrl, pid: app.process.pid ?? 0, authorization, sheds }, call, shape),
        );
      } finally {
        await app.stop();
      }
    }

    const raw = results.find((r) => r.contender === RAW_CONTENDER);
    const rows = results.map((r) => ({
      ...r,
      percentOfRaw: raw ? (100 * r.opsPerSecond) / raw.opsPerSecond : Number.NaN,
    }));
    process.stdout.write(
      `\n${formatTable(
        ['contender', 'ops/s', 'p50 ms', 'p99 ms', '% of raw', 'node CPU ms/op', 'pg CPU ms/op', 'appends/commit'],
        rows.map((r) => [
          r.refusals === undefined ? r.contender : `${r.contender} [${formatRefusals(r.refusals)}]`,
          r.opsPerSecond.toFixed(0),
          r.p50Ms.toFixed(2),
          r.p99Ms.toFixed(2),
          `${r.percentOfRaw.toFixed(0)}%`,
          r.cpuMsPerOp === null ? 'n/a' : r.cpuMsPerOp.toFixed(3),
          r.pgCpuMsPerOp === null ? 'n/a' : r.pgCpuMsPerOp.toFixed(3),
          r.meanBatch === undefined ? '' : r.meanBatch.toFixed(1),
        ]),
      )}\n`,
    );
    const costPairs = [
      { deposit: 'library, group commit', transfer: LIBRARY_TRANSFER.spread.contender },
      { deposit: 'library, group commit', transfer: LIBRARY_TRANSFER.hot.contender },
      { deposit: HTTP_APP.contender, transfer: HTTP_TRANSFER.spread.contender },
      { deposit: HTTP_APP.contender, transfer: HTTP_TRANSFER.hot.contender },
    ];
    const ratios = transferCostRatios(results, costPairs);
    const roundRatios = ratioOverRounds(rounds.map((round) => transferCostRatios(round, costPairs)));
    if (ratios.length > 0) {
      const times = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)}x`);
      process.stdout.write(
        `\ntransfer / deposit (target: a transfer costs at most 1.5x a deposit)\n${formatTable(
          ['transfer', 'vs deposit', 'time/op', 'node CPU/op', 'pg CPU/op', 'CPU/op (node+pg)', 'CPU/op per round: median (min-max)'],
          ratios.map((r) => {
            const perRound = roundRatios.find((s) => s.transfer === r.transfer && s.deposit === r.deposit)?.cpuPerOp;
            const range = perRound ? `${times(perRound.median)} (${times(perRound.min)}-${times(perRound.max)})` : 'n/a';
            return [r.transfer, r.deposit, times(r.timePerOp), times(r.nodeCpuPerOp), times(r.pgCpuPerOp), times(r.cpuPerOp), range];
          }),
        )}\n`,
      );
    }
    process.stdout.write(
      `\n${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, PostgreSQL ${machine.postgres}, ` +
        `synchronous_commit=${machine.synchronousCommit}, load avg before run ${machine.loadAverage1m}; ` +
        `Postgres, app and load generator share the CPUs\n`,
    );
    mkdirSync(join(RESULTS, '..'), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          benchmark: 'command',
          machine,
          settings: {
            durationSeconds: opts.durationMs / 1000,
            warmupSeconds: opts.warmupMs / 1000,
            warmupRequests: opts.warmupRequests,
            connections: opts.connections,
            accounts: opts.accounts,
            poolSize: opts.poolSize,
            rounds: opts.rounds,
          },
          results: rows.map((r) => ({
            contender: r.contender,
            description: r.description,
            ops: r.ops,
            seconds: Number(r.seconds.toFixed(3)),
            opsPerSecond: Math.round(r.opsPerSecond),
            p50Ms: Number(r.p50Ms.toFixed(3)),
            p99Ms: Number(r.p99Ms.toFixed(3)),
            percentOfRaw: Number(r.percentOfRaw.toFixed(1)),
            nodeCpuMsPerOp: r.cpuMsPerOp === null ? null : Number(r.cpuMsPerOp.toFixed(4)),
            appendsPerCommit: r.meanBatch === undefined ? null : Number(r.meanBatch.toFixed(2)),
            pgBackendCpuMsPerOp: r.pgCpuMsPerOp === null ? null : Number(r.pgCpuMsPerOp.toFixed(4)),
            ...(r.refusals === undefined ? {} : { refusals: r.refusals }),
          })),
          transferToDeposit: ratios,
          transferToDepositPerRound: roundRatios,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`wrote ${RESULTS}\n`);
  } finally {
    caller.stop();
    await backends?.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:command failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
