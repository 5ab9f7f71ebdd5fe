import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { PostgresEventStore, type PostgresEventStoreOptions } from '@ledger/event-store';
import { closedLoop, LoopResult } from '../lib/closed-loop';
import { BackendCpu } from '../lib/backend-cpu';
import { processCpuSeconds } from '../lib/process-cpu';
import { AccountWorkload, TransferWorkload } from './account-workload';
import { cycle, hotSource, pairs, type TransferShape } from './account-pairs';
import { postJson } from '../lib/command-http';
import { refusalCounter, type Refusals } from './refusals';

/** `false`, or how many batches may run at once and how large they may be. */
export type GroupCommitSetting = Exclude<PostgresEventStoreOptions['groupCommit'], undefined | true>;

export interface ContenderResult extends LoopResult {
  readonly contender: string;
  readonly description: string;
  /** CPU of the process running the contender's Node code (the bench, or the app), per operation. */
  readonly cpuMsPerOp: number | null;
  /** CPU of the PostgreSQL backends serving the bench database, per operation. */
  readonly pgCpuMsPerOp: number | null;
  /** Appends per commit, where the contender batches them (measured run only). */
  readonly meanBatch?: number;
  /** Answers other than 2xx in the measured run by kind, where the contender may shed load (the hot account). */
  readonly refusals?: Refusals;
}

export interface RunShape {
  readonly connections: number;
  readonly poolSize: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /**
   * Requests over HTTP before a measured run, at the least: V8 optimises the app by work done, not
   * time, and a few seconds of a slow contender leave its request path in the baseline tiers.
   */
  readonly warmupRequests: number;
  /** Measures the bench database's backends' CPU, when the server is local. */
  readonly backends: BackendCpu | null;
}

function newPool(url: string, max: number): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    application_name: 'bench',
    // Idle connections stay open: a backend that closed mid-run would take its CPU out of the count.
    idleTimeoutMillis: 0,
  });
  pool.on('error', (error) => process.stderr.write(`bench pool: ${error.message}\n`));
  return pool;
}

interface BatchCounters {
  readonly batches: number;
  readonly items: number;
}

async function warmThenMeasure(
  shape: RunShape,
  op: () => Promise<void>,
  batching?: () => BatchCounters,
): Promise<
  LoopResult & {
    cpuMsPerOp: number;
    pgCpuMsPerOp: number | null;
    meanBatch?: number;
  }
> {
  await closedLoop(shape.connections, shape.warmupMs, op);
  await shape.backends?.begin();
  const batchesBefore = batching?.();
  const cpu = process.cpuUsage();
  const result = await closedLoop(shape.connections, shape.durationMs, op);
  const used = process.cpuUsage(cpu);
  const batchesAfter = batching?.();
  const pg = (await shape.backends?.end()) ?? null;
  return {
    ...result,
    cpuMsPerOp: (used.user + used.system) / 1000 / result.ops,
    pgCpuMsPerOp: pg === null ? null : (pg * 1000) / result.ops,
    ...(batchesBefore && batchesAfter && batchesAfter.batches > batchesBefore.batches
      ? {
          meanBatch: (batchesAfter.items - batchesBefore.items) / (batchesAfter.batches - batchesBefore.batches),
        }
      : {}),
  };
}

export const RAW_CONTENDER = 'raw insert (pg)';

/** (a) The floor of any durable write: one single-row INSERT, one commit, per operation. */
export async function rawInsert(url: string, accounts: readonly string[], shape: RunShape): Promise<ContenderResult> {
  const pool = newPool(url, shape.poolSize);
  try {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, account_id uuid NOT NULL, amount bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const account = cycle(accounts);
    const statement = {
      name: 'bench_raw_insert',
      text: 'INSERT INTO bench_raw (account_id, amount) VALUES ($1, $2)',
    };
    const result = await warmThenMeasure(shape, async () => {
      await pool.query({ ...statement, values: [account(), 1] });
    });
    return {
      contender: RAW_CONTENDER,
      description: 'single-row INSERT + commit, no event store',
      ...result,
    };
  } finally {
    await pool.end();
  }
}

/** The store as the command app builds it; `groupCommit` false = one statement and commit per append. */
export function benchStore(pool: Pool, groupCommit: GroupCommitSetting): PostgresEventStore {
  return new PostgresEventStore(pool, { groupCommit });
}

/**
 * (b) and (c): a deposit through the command pipeline in process (load, decide, append), on a
 * store with or without group commit.
 */
export async function libraryAppend(
  url: string,
  accounts: readonly string[],
  shape: RunShape,
  groupCommit: GroupCommitSetting,
): Promise<ContenderResult> {
  const pool = newPool(url, shape.poolSize);
  try {
    const store = benchStore(pool, groupCommit);
    const workload = new AccountWorkload(store);
    const account = cycle(accounts);
    const result = await warmThenMeasure(
      shape,
      () => workload.deposit(account(), 1n),
      () => store.groupCommitStats(),
    );
    return {
      contender: groupCommit === false ? 'library, commit per append' : 'library, group commit',
      description:
        groupCommit === false
          ? 'load + decide + PostgresEventStore.append, one statement and commit per append, no HTTP'
          : `load + decide + PostgresEventStore.append with group commit (${JSON.stringify(groupCommit)}), no HTTP`,
      ...result,
    };
  } finally {
    await pool.end();
  }
}

export const LIBRARY_TRANSFER = {
  spread: {
    contender: 'library transfer, group commit',
    description:
      'load transfer + both accounts, decide, PostgresEventStore.appendStreams (3 streams, one transaction) on the group-commit store, disjoint pairs, no HTTP',
  },
  hot: {
    contender: 'library transfer, hot source',
    description: 'the same, every transfer from ONE source account to the others in turn: the per-account queue serialises them',
  },
} as const;

/** A transfer through the transfer handler in process, on the store as the app builds it (group commit on). */
export async function libraryTransfers(
  url: string,
  accounts: readonly string[],
  shape: RunShape,
  groupCommit: GroupCommitSetting,
  spread: TransferShape,
): Promise<ContenderResult> {
  const pool = newPool(url, shape.poolSize);
  try {
    const store = benchStore(pool, groupCommit);
    const workload = new TransferWorkload(store);
    const next = spread === 'hot' ? hotSource(accounts) : pairs(accounts);
    const result = await warmThenMeasure(
      shape,
      () => {
        const [from, to] = next();
        return workload.transfer(from, to, 1n);
      },
      () => store.groupCommitStats(),
    );
    return { ...LIBRARY_TRANSFER[spread], ...result };
  } finally {
    await pool.end();
  }
}

/** One request of an HTTP contender: where it goes and what it says. */
export interface HttpCall {
  readonly path: string;
  readonly body: string;
}

/** Deposits of 1, round-robin over the accounts. */
export function depositCalls(accounts: readonly string[]): () => HttpCall {
  const account = cycle(accounts);
  const body = JSON.stringify({ amount: 1 });
  return () => ({ path: `/accounts/${account()}/deposits`, body });
}

/** Immediate transfers of 1 with a fresh transfer id each, between the accounts `next` names. */
export function transferCalls(next: () => readonly [string, string]): () => HttpCall {
  return () => {
    const [fromAccountId, toAccountId] = next();
    return {
      path: '/transfers',
      body: JSON.stringify({ transferId: randomUUID(), fromAccountId, toAccountId, amount: 1, currency: 'EUR' }),
    };
  };
}

interface CannonRun {
  readonly ok: number;
  readonly notOk: number;
  readonly refusals: Refusals;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function cannon(
  baseUrl: string,
  call: () => HttpCall,
  connections: number,
  durationMs: number,
  authorization: () => string,
): Promise<CannonRun> {
  const refusals = refusalCounter();
  const started = performance.now();
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationMs / 1000,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const { path, body } = call();
          return { ...request, path, body, headers: { ...request.headers, authorization: authorization() } };
        },
        onResponse: (status, body) => refusals.record(status, body),
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    ok: result['2xx'],
    notOk: result.non2xx,
    refusals: refusals.counts,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Math.min(seconds, result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

export interface HttpTarget {
  readonly contender: string;
  readonly description: string;
  readonly baseUrl: string;
  /** The serving process, whose CPU is measured. */
  readonly pid: number;
  /** Each request's `Authorization` header, asked for as the request is made. */
  readonly authorization: () => string;
  /** Counts non-2xx answers instead of failing the run: one hot account's queue may shed requests (503 unavailable). */
  readonly sheds?: boolean;
}

export const HTTP_APP = {
  contender: 'HTTP deposit (app)',
  description:
    'POST /accounts/{id}/deposits to the built command app via autocannon, one bearer token (verified once, then from the cache)',
} as const;

export const HTTP_FRESH_TOKEN = {
  contender: 'HTTP deposit, new token each (app)',
  description:
    'the same POSTs, each with a token the app has not verified yet: more distinct tokens in turn than its verified-token cache holds, so every request checks a signature',
} as const;

export const HTTP_FLOOR = {
  contender: 'HTTP floor (bare Fastify)',
  description: 'the same POSTs answered 201 by Fastify alone: no Nest, validation, logging or database',
} as const;

export const HTTP_TRANSFER = {
  spread: {
    contender: 'HTTP transfer (app)',
    description:
      'POST /transfers (immediate, amount 1, fresh transferId) to the built command app via autocannon, disjoint pairs, one bearer token',
  },
  hot: {
    contender: 'HTTP transfer, hot source (app)',
    description:
      'the same POSTs, every one from ONE source account to the others in turn; answers outside 2xx counted by status and problem type (503 unavailable: the account had COMMAND_ACCOUNT_QUEUE_LIMIT commands waiting)',
  },
} as const;

/**
 * One more request of the kind, answered once the app is through what the warm-up left in flight:
 * autocannon drops its connections when it stops, but the app still runs their requests. A queue on
 * one account (the hot source) is first in, first out, so behind them all; and the measured run must
 * not pay for them (or find the hot account's queue full, the warm-up's requests and its own in it).
 */
async function settle(baseUrl: string, call: () => HttpCall, authorization: () => string): Promise<void> {
  const { path, body } = call();
  await postJson(`${baseUrl}${path}`, JSON.parse(body), { authorization: authorization() });
}

const WARMUP_CAP_MS = 60_000;

/** The run as it is, if nothing failed in it (non-2xx answers only where the contender sheds load). */
function checked(target: HttpTarget, what: string): (run: CannonRun) => CannonRun {
  return (run) => {
    if ((run.notOk > 0 && target.sheds !== true) || run.errors > 0 || run.timeouts > 0) {
      throw new Error(`HTTP ${what}: ${run.notOk} non-2xx responses, ${run.errors} errors, ${run.timeouts} timeouts`);
    }
    return run;
  };
}

/**
 * (d) Requests over HTTP from autocannon, `call` saying each one: deposits spread over the accounts
 * (to the built app, or to the HTTP floor), or transfers.
 */
export async function httpRequests(target: HttpTarget, call: () => HttpCall, shape: RunShape): Promise<ContenderResult> {
  const { baseUrl, pid: appPid, authorization } = target;
  const warmUp = () => cannon(baseUrl, call, shape.connections, shape.warmupMs, authorization).then(checked(target, 'warm-up'));
  // In --warmup slices until enough requests were answered, for at most WARMUP_CAP_MS (a hot account is slow).
  const warmupEnds = performance.now() + WARMUP_CAP_MS;
  let answered = 0;
  do answered += (await warmUp()).ok;
  while (answered < shape.warmupRequests && performance.now() < warmupEnds);
  await settle(baseUrl, call, authorization);
  await shape.backends?.begin();
  const cpuBefore = processCpuSeconds(appPid);
  const run = checked(target, 'run')(await cannon(baseUrl, call, shape.connections, shape.durationMs, authorization));
  const cpuAfter = processCpuSeconds(appPid);
  const pg = (await shape.backends?.end()) ?? null;
  return {
    contender: target.contender,
    description: target.description,
    ops: run.ok,
    seconds: run.seconds,
    opsPerSecond: run.ok / run.seconds,
    ...(target.sheds === true ? { refusals: run.refusals } : {}),
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    cpuMsPerOp: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / run.ok,
    pgCpuMsPerOp: pg === null ? null : (pg * 1000) / run.ok,
  };
}
