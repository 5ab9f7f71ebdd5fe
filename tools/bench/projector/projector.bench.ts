/**
 * Projector benchmark: `npm run bench:projector` (`-- --quick` for a smoke run of a tenth the size).
 *  1. A backlog of 200,000 valid events over 20,000 accounts on a fresh 12-partition topic, projected
 *     by the real projector app (built, then started as a child process on a fresh database and
 *     consumer group), against the naive way on the same messages: a kafkajs `eachMessage` consumer
 *     applying each event in a transaction of its own, through the same projection writer with the
 *     in-transaction NOTIFY off as the projector has it (with it on, the baseline also paid for the
 *     cluster-wide notify lock at every commit, and the speed-up read higher than the batching earns).
 *  2. `rebuild` of 1,000,000 events from the event store, into an empty read model and again over the
 *     populated one, through the read-model lib's `rebuildReadModels` (what `ledger rebuild` runs).
 * Prints a table and writes tools/bench/results/projector.json (projector-quick.json with --quick).
 *
 * For profiling (nothing is written then): `--skip-backlog`, `--skip-rebuild`, `--skip-naive` run a
 * part, `--projector-main <file>` runs another build of the projector, `--cpu-prof <dir>` has the
 * projector write a V8 CPU profile; its settings pass through the environment (PROJECTOR_BATCH_SIZE=2000).
 * `--baseline <file>` also drains the same backlog with another build of the projector (a previous
 * version's main.js), first, on a database and group of its own: before and after in one run.
 * `--live` adds a steady trickle (LIVE.rate events/s over 12 partitions for LIVE.seconds, as the e2e
 * load gives it) to a projector already caught up, with the baseline's too when given: CPU per event
 * of the projector and its Postgres backends, and events per transaction, when batches are small;
 * `--live-tick-ms <n>` sends it every n ms instead of every 50 (5 gives transactions of a few events),
 * `--live-rounds <n>` runs it n times per build, the builds alternating, and sums the figures.
 */
import { countStoredEvents, eventStoreMigrations, readCommittedBatch } from '@ledger/event-store';
import { accountPartitioner, createKafka, toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { rebuildReadModels, type RebuildProgress, type RebuildResult } from '@ledger/read-model-operations';
import { decodeForProjection, ProjectionWriter, rawFromKafka } from '@ledger/read-model-projection';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import {
  AccountTraffic,
  bulkAppend,
  asRole,
  createTestDatabase,
  createTopicAndWait,
  startChildApp,
  testKafkaBrokers,
  testServerUrl,
  uniqueTopicName,
  type TestDatabase,
  type TrafficEvent,
} from '@ledger/testing';
import type { Admin, Kafka, Message } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { BackendCpu } from '../lib/backend-cpu';
import { freePort } from '@ledger/tooling';
import { machineInfo } from '../lib/machine-info';
import { processCpuSeconds } from '../lib/process-cpu';
import { formatTable } from '../lib/table';
import { DATABASE_ROLES, sleep } from '@ledger/platform';

const ROOT = join(__dirname, '..', '..', '..');
const QUICK = process.argv.includes('--quick');
const SKIP_BACKLOG = process.argv.includes('--skip-backlog');
const SKIP_REBUILD = process.argv.includes('--skip-rebuild');
const SKIP_NAIVE = process.argv.includes('--skip-naive');
/** `--projector-main <file>`: run this build of the projector (a candidate change) instead of building one. */
const PROJECTOR_MAIN = process.argv.includes('--projector-main') ? process.argv[process.argv.indexOf('--projector-main') + 1] : undefined;
/** `--cpu-prof <dir>`: the projector process writes a V8 CPU profile there when it stops. */
const CPU_PROF_DIR = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
/** `--baseline <file>`: drain the same backlog with this build too, before the projector under test. */
const BASELINE_MAIN = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1] : undefined;
const PARTIAL = SKIP_BACKLOG || SKIP_REBUILD || SKIP_NAIVE || PROJECTOR_MAIN !== undefined || BASELINE_MAIN !== undefined;
const SIZE = {
  backlogEvents: QUICK ? 20_000 : 200_000,
  backlogAccounts: QUICK ? 2_000 : 20_000,
  /** The naive consumer is stopped here if it has not finished: its rate is the point, not its end. */
  naiveSeconds: QUICK ? 15 : 60,
  rebuildEvents: QUICK ? 100_000 : 1_000_000,
  rebuildAccounts: QUICK ? 5_000 : 50_000,
};
const LIVE_RUN = process.argv.includes('--live');
/**
 * `--live-tick-ms <n>`: how often the trickle sends (default 50 ms). The e2e load's relay publishes in
 * smaller, more frequent batches (about 3 events per projector transaction at 300 commands/s); 5 ms
 * comes close, where the per-transaction costs show.
 */
const LIVE_TICK_MS = process.argv.includes('--live-tick-ms') ? Number(process.argv[process.argv.indexOf('--live-tick-ms') + 1]) : 50;
/** `--live-rounds <n>`: the live trickle n times per build, alternating builds, figures summed (default 1). */
const LIVE_ROUNDS = process.argv.includes('--live-rounds') ? Number(process.argv[process.argv.indexOf('--live-rounds') + 1]) : 1;
if (!Number.isSafeInteger(LIVE_ROUNDS) || LIVE_ROUNDS < 1) throw new Error(`--live-rounds must be a positive integer, got ${LIVE_ROUNDS}`);
if (!Number.isSafeInteger(LIVE_TICK_MS) || LIVE_TICK_MS < 1)
  throw new Error(`--live-tick-ms must be a positive integer, got ${LIVE_TICK_MS}`);
const LIVE = { rate: 600, seconds: QUICK ? 10 : 20, accounts: 2_000, tickMs: LIVE_TICK_MS };
const PARTITIONS = 12;
const TARGETS = { projectorEventsPerSecond: 20_000, projectorVsNaive: 10, rebuildSeconds: 60 };

const NOT_RUN: DrainResult = {
  events: 0,
  seconds: 0,
  eventsPerSecond: Number.NaN,
  totalSeconds: 0,
  processCpuSeconds: null,
  postgresCpuSeconds: null,
};
const log = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number) => Math.round(n).toLocaleString('en-US');

/** A valid interleaved history, chunk by chunk: every account opened first, then commands on random open accounts. */
function* historyChunks(accounts: number, events: number, chunkSize: number): Generator<TrafficEvent[]> {
  const traffic = new AccountTraffic();
  const open: string[] = [];
  let chunk: TrafficEvent[] = [];
  let produced = 0;
  const take = (appended: readonly TrafficEvent[]) => {
    for (const event of appended) {
      if (produced === events) return;
      chunk.push(event);
      produced += 1;
    }
  };
  while (produced < events) {
    if (open.length < accounts) {
      const opening = traffic.openAccount();
      open.push(opening.streamId);
      take(opening.events);
    } else {
      const index = Math.floor(Math.random() * open.length);
      const id = open[index] ?? '';
      // A closed account gives its place to a new one, so the number of live accounts stays put.
      if (traffic.isOpen(id)) take(traffic.act(id).events);
      else {
        const opening = traffic.openAccount();
        open[index] = opening.streamId;
        take(opening.events);
      }
    }
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

// ---------------------------------------------------------------------------------------------------
// 1. The Kafka backlog

async function produceBacklog(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer({ createPartitioner: accountPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  let position = 0;
  let bytes = 0;
  for (const chunk of historyChunks(SIZE.backlogAccounts, SIZE.backlogEvents, 5_000)) {
    const messages: Message[] = chunk.map((event) => {
      position += 1;
      const message = toKafkaMessage(toEnvelope({ ...event, globalPosition: String(position) }));
      bytes += (message.value as Buffer).length;
      return message;
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return Math.round(bytes / position);
}

async function readModelDatabase(): Promise<TestDatabase> {
  return createTestDatabase(readModelMigrations, READ_MODEL_MIGRATIONS_TABLE);
}

interface DrainResult {
  readonly events: number;
  /** From the first event applied to the last. */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** From the process start (or consumer start) to the last event applied. */
  readonly totalSeconds: number;
  readonly processCpuSeconds: number | null;
  readonly postgresCpuSeconds: number | null;
}

function buildProjector(): void {
  log('building the projector (nx build projector) ...');
  const run = spawnSync('npx', ['nx', 'build', 'projector', '--skip-nx-cache'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`nx build projector failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
}

/** The built projector as its own process, on `topic` in `groupId`, as its own database role; profiled when asked. */
function startProjector(main: string, databaseUrl: string, topic: string, groupId: string, port: number, label: string) {
  return startChildApp({
    main,
    port,
    env: {
      ...process.env,
      // As its own role: the read model was migrated (and the role granted) as the server's admin.
      DATABASE_URL: asRole(databaseUrl, DATABASE_ROLES.projector),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      PROJECTOR_GROUP_ID: groupId,
      PROJECTOR_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    readyPath: '/health/ready',
    timeoutMs: 60_000,
    nodeArgs: CPU_PROF_DIR === undefined || label !== 'projector' ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`],
  });
}

async function drainWithProjector(admin: Admin, topic: string, main: string, label: string): Promise<DrainResult> {
  const database = await readModelDatabase();
  const observer = new Pool({ connectionString: database.url, max: 1 });
  const cpu = await BackendCpu.open(database.url, new URL(database.url).pathname.slice(1));
  const groupId = `${topic}-${label}`;
  try {
    const port = await freePort();
    await cpu.begin();
    const started = performance.now();
    const projector = startProjector(main, database.url, topic, groupId, port, label);
    let failed: unknown = null;
    projector.catch((error: unknown) => (failed = error));
    const { first, last } = await pollCommitted(admin, groupId, topic, SIZE.backlogEvents, started, 300_000, () => failed);
    const app = await projector;
    const processCpu = app.process.pid === undefined ? null : processCpuSeconds(app.process.pid);
    const postgresCpu = await cpu.end();
    await app.stop();
    const { rows } = await observer.query<{ count: number }>(`SELECT count(*)::int AS count FROM read_model.account_transactions`);
    if (rows[0]?.count !== SIZE.backlogEvents)
      throw new Error(`projector: ${rows[0]?.count} history rows for ${SIZE.backlogEvents} events`);
    return result(SIZE.backlogEvents, first, last, started, processCpu, postgresCpu);
  } finally {
    await cpu.close();
    await observer.end();
    await database.drop();
  }
}

interface LiveResult {
  readonly events: number;
  readonly processCpuSeconds: number | null;
  readonly postgresCpuSeconds: number | null;
  /** Read-model transactions the run committed (the chunk count for a build that has no transaction metric). */
  readonly transactions: number | null;
  /** Offset commit requests to the broker (one per chunk for a build that has no commit metric: it committed after each). */
  readonly offsetCommits: number | null;
}

/**
 * A projector on an empty topic of its own, then `messages` produced at LIVE.rate in ticks of
 * LIVE.tickMs: the CPU the projector and its backends spend from the first message until the group
 * committed the last.
 */
async function liveWithProjector(
  kafka: Kafka,
  admin: Admin,
  main: string,
  label: string,
  messages: readonly Message[],
): Promise<LiveResult> {
  const topic = uniqueTopicName(`bench-projector-live-${label}`);
  await createTopicAndWait(admin, topic, PARTITIONS);
  const database = await readModelDatabase();
  const cpu = await BackendCpu.open(database.url, new URL(database.url).pathname.slice(1));
  const producer = kafka.producer({ createPartitioner: accountPartitioner, allowAutoTopicCreation: false });
  const groupId = `${topic}-group`;
  try {
    await producer.connect();
    const port = await freePort();
    const app = await startProjector(main, database.url, topic, groupId, port, label);
    try {
      await groupStable(admin, groupId);
      const pid = app.process.pid ?? -1;
      const cpuBefore = processCpuSeconds(pid);
      await cpu.begin();
      const perTick = Math.max(1, Math.round((LIVE.rate * LIVE.tickMs) / 1000));
      const started = performance.now();
      for (let sent = 0, tick = 0; sent < messages.length; sent += perTick, tick++) {
        await producer.send({ topic, acks: -1, messages: messages.slice(sent, sent + perTick) });
        const next = started + (tick + 1) * LIVE.tickMs;
        if (next > performance.now()) await sleep(next - performance.now());
      }
      await pollCommitted(admin, groupId, topic, messages.length, started, 120_000, () => null);
      const cpuAfter = processCpuSeconds(pid);
      const postgresCpu = await cpu.end();
      const metrics = await (await fetch(`${app.managementUrl}/metrics`)).text();
      const chunks = metricSample(metrics, 'ledger_projector_batch_size_messages_count');
      const transactions = metricSample(metrics, 'ledger_projector_transaction_size_messages_count') ?? chunks;
      const offsetCommits = metricSample(metrics, 'ledger_projector_offset_commits_total') ?? chunks;
      return {
        events: messages.length,
        processCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
        postgresCpuSeconds: postgresCpu,
        transactions,
        offsetCommits,
      };
    } finally {
      await app.stop();
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await cpu.close();
    await database.drop();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  }
}

/** Two live runs' figures together (the rounds of `--live-rounds`). */
function sumLive(sum: LiveResult | undefined, run: LiveResult): LiveResult {
  if (sum === undefined) return run;
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  return {
    events: sum.events + run.events,
    processCpuSeconds: add(sum.processCpuSeconds, run.processCpuSeconds),
    postgresCpuSeconds: add(sum.postgresCpuSeconds, run.postgresCpuSeconds),
    transactions: add(sum.transactions, run.transactions),
    offsetCommits: add(sum.offsetCommits, run.offsetCommits),
  };
}

/** Once the group has its members and assignment, so the trickle measures consuming, not joining. */
async function groupStable(admin: Admin, groupId: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0]?.state === 'Stable') return;
    if (performance.now() > deadline) throw new Error(`group ${groupId} not stable within 60 s`);
    await sleep(200);
  }
}

/** A sample of Prometheus text, whatever its (default) labels. */
function metricSample(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) return Number(match[2]);
  }
  return null;
}

function liveRow(label: string, run: LiveResult): string[] {
  const perTransaction = run.transactions === null || run.transactions === 0 ? '?' : (run.events / run.transactions).toFixed(1);
  return [
    `${label}, live trickle of ${rate(run.events)} events`,
    rate(LIVE.rate),
    `${LIVE_ROUNDS} x ${LIVE.seconds} s in ${LIVE.tickMs} ms ticks, ${perTransaction} events/transaction, ${run.offsetCommits ?? '?'} offset commits`,
    `CPU ${cpuNote(run)}; ${cpuPerEvent(run)}`,
  ];
}

/**
 * Until the group's committed offsets cover `events`. The projector commits an offset only after the
 * batch's read-model transaction committed, so this is "applied", and asking the broker costs the
 * database nothing (a count over the growing history table every 100 ms would).
 */
async function pollCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  events: number,
  started: number,
  timeoutMs: number,
  failure: () => unknown,
): Promise<{ first: number; last: number }> {
  let first: number | null = null;
  for (;;) {
    if (failure() !== null) throw failure();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const now = performance.now();
    if (committed > 0 && first === null) first = now;
    if (committed >= events) return { first: first ?? now, last: now };
    if (now - started > timeoutMs) throw new Error(`projector committed ${committed} of ${events} events in ${timeoutMs} ms`);
    await sleep(100);
  }
}

function result(
  events: number,
  first: number,
  last: number,
  started: number,
  processCpu: number | null,
  postgresCpu: number | null,
): DrainResult {
  const seconds = (last - first) / 1000;
  return {
    events,
    seconds,
    eventsPerSecond: events / Math.max(seconds, 0.001),
    totalSeconds: (last - started) / 1000,
    processCpuSeconds: processCpu,
    postgresCpuSeconds: postgresCpu,
  };
}

/** The tutorial way: one message at a time, one transaction per event, same writer (NOTIFY off, as the projector), same messages. */
async function drainNaively(kafka: Kafka, topic: string): Promise<DrainResult> {
  const database = await readModelDatabase();
  const pool = new Pool({ connectionString: database.url, max: 1 });
  const cpu = await BackendCpu.open(database.url, new URL(database.url).pathname.slice(1));
  const consumer = kafka.consumer({ groupId: `${topic}-naive` });
  // Without the in-transaction NOTIFY, as the projector writes: a notifying commit queues behind every
  // other notifying commit's WAL flush, which would charge the baseline for a cost the projector avoids.
  const writer = new ProjectionWriter({ projection: 'accounts', notify: false });
  const client = await pool.connect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await cpu.begin();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let applied = 0;
    let first: number | null = null;
    let last = started;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        first ??= performance.now();
        await writer.apply(client, [decodeForProjection(rawFromKafka(from, partition, message))]);
        applied += 1;
        last = performance.now();
        if (applied >= SIZE.backlogEvents || last - first > SIZE.naiveSeconds * 1000) done();
      },
    });
    await finished;
    const used = process.cpuUsage(cpuBefore);
    const postgresCpu = await cpu.end();
    await consumer.stop();
    return result(applied, first ?? last, last, started, (used.user + used.system) / 1e6, postgresCpu);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    client.release();
    await cpu.close();
    await pool.end();
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. Rebuild from the event store

async function seedStore(pool: Pool): Promise<void> {
  // One statement in flight while the next chunk is generated; chunks commit in order, so each
  // account's versions commit in version order.
  let storing: Promise<void> = Promise.resolve();
  for (const chunk of historyChunks(SIZE.rebuildAccounts, SIZE.rebuildEvents, 20_000)) {
    await storing;
    storing = bulkAppend(pool, chunk);
  }
  await storing;
}

interface RebuildRun extends RebuildResult {
  readonly label: string;
  readonly processCpuSeconds: number;
  readonly postgresCpuSeconds: number | null;
}

async function rebuild(database: TestDatabase, label: string): Promise<RebuildRun> {
  const pool = new Pool({ connectionString: database.url, max: 2 });
  const source = new Client({ connectionString: database.url });
  await source.connect();
  const cpu = await BackendCpu.open(database.url, new URL(database.url).pathname.slice(1));
  try {
    await cpu.begin();
    const before = process.cpuUsage();
    const outcome = await rebuildReadModels({
      pool,
      readEvents: (after, limit) => readCommittedBatch(source, after, limit),
      countEvents: () => countStoredEvents(source),
      performedBy: 'projector benchmark',
      onProgress: progressLine(label),
    });
    const used = process.cpuUsage(before);
    if (process.stdout.isTTY) process.stdout.write('\n');
    return { ...outcome, label, processCpuSeconds: (used.user + used.system) / 1e6, postgresCpuSeconds: await cpu.end() };
  } finally {
    await cpu.close();
    await source.end();
    await pool.end();
  }
}

function progressLine(label: string): (progress: RebuildProgress) => void {
  let drawnAt = 0;
  return (progress) => {
    if (!process.stdout.isTTY || performance.now() - drawnAt < 500) return;
    drawnAt = performance.now();
    const eta = progress.etaSeconds === null ? '' : `, ETA ${Math.ceil(progress.etaSeconds)} s`;
    process.stdout.write(
      `\r  ${label}: ${progress.phase} ${rate(progress.events)} events, ${rate(progress.eventsPerSecond)}/s${eta}\u001b[K`,
    );
  };
}

async function rebuildRuns(): Promise<{ runs: RebuildRun[]; seedSeconds: number; verified: boolean }> {
  const database = await createTestDatabase([...eventStoreMigrations, ...readModelMigrations], READ_MODEL_MIGRATIONS_TABLE);
  const pool = new Pool({ connectionString: database.url, max: 3 });
  try {
    log(`seeding the event store with ${rate(SIZE.rebuildEvents)} events over ${rate(SIZE.rebuildAccounts)} accounts ...`);
    const seedStarted = performance.now();
    await seedStore(pool);
    await pool.query('VACUUM ANALYZE event_store.events');
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`rebuilding ${rate(SIZE.rebuildEvents)} events into an empty read model ...`);
    const empty = await rebuild(database, 'rebuild into an empty read model');
    log('rebuilding again over the populated read model ...');
    const populated = await rebuild(database, 'rebuild over the populated read model');
    const counts = await pool.query<{ transactions: number; accounts: number }>(
      `SELECT (SELECT count(*)::int FROM read_model.account_transactions) AS transactions,
              (SELECT count(*)::int FROM read_model.accounts) AS accounts`,
    );
    const verified = counts.rows[0]?.transactions === SIZE.rebuildEvents && populated.events === SIZE.rebuildEvents;
    return { runs: [empty, populated], seedSeconds, verified };
  } finally {
    await pool.end();
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------------

/** `app 11.6 s + postgres 9.1 s`: CPU is steadier than throughput when other work shares the machine. */
function cpuNote(run: { readonly processCpuSeconds: number | null; readonly postgresCpuSeconds: number | null }): string {
  const seconds = (value: number | null) => (value === null ? '?' : `${value.toFixed(1)} s`);
  return `app ${seconds(run.processCpuSeconds)} + postgres ${seconds(run.postgresCpuSeconds)}`;
}

/** `app 52 + postgres 48 µs/event`: the CPU a drain cost per event, the figure that holds on a shared machine. */
function cpuPerEvent(run: {
  readonly events: number;
  readonly processCpuSeconds: number | null;
  readonly postgresCpuSeconds: number | null;
}): string {
  const micros = (value: number | null) => (value === null || run.events === 0 ? '?' : Math.round((value / run.events) * 1e6).toString());
  return `app ${micros(run.processCpuSeconds)} + postgres ${micros(run.postgresCpuSeconds)} µs/event`;
}

function targetsMet(json: Record<string, unknown>): Record<string, boolean> {
  const backlog = json['backlog'] as { projector: DrainResult; projectorVsNaive: number };
  const rebuild = json['rebuild'] as { runs: readonly RebuildRun[] };
  return {
    projectorEventsPerSecond: backlog.projector.eventsPerSecond >= TARGETS.projectorEventsPerSecond,
    projectorVsNaive: backlog.projectorVsNaive >= TARGETS.projectorVsNaive,
    rebuildSeconds: rebuild.runs.every((run) => run.seconds < TARGETS.rebuildSeconds),
  };
}

async function main(): Promise<void> {
  const kafka = createKafka('bench-projector', testKafkaBrokers());
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueTopicName('bench-projector');
  const rows: string[][] = [];
  const json: Record<string, unknown> = { quick: QUICK };
  try {
    if (!SKIP_BACKLOG) {
      if (PROJECTOR_MAIN === undefined) buildProjector();
      await createTopicAndWait(admin, topic, PARTITIONS);
      log(`producing ${rate(SIZE.backlogEvents)} events over ${rate(SIZE.backlogAccounts)} accounts to ${topic} ...`);
      const recordSize = await produceBacklog(kafka, topic);
      let baseline: DrainResult | null = null;
      if (BASELINE_MAIN !== undefined) {
        log(`projecting the backlog with the baseline build ${BASELINE_MAIN} ...`);
        baseline = await drainWithProjector(admin, topic, BASELINE_MAIN, 'baseline');
      }
      log('projecting the backlog with the projector app ...');
      const projector = await drainWithProjector(
        admin,
        topic,
        PROJECTOR_MAIN ?? join(ROOT, 'dist', 'apps', 'projector', 'main.js'),
        'projector',
      );
      if (!SKIP_NAIVE) log(`the naive consumer on the same messages (at most ${SIZE.naiveSeconds} s) ...`);
      const naive = SKIP_NAIVE ? NOT_RUN : await drainNaively(kafka, topic);
      const ratio = projector.eventsPerSecond / naive.eventsPerSecond;
      const versus = `${SKIP_NAIVE ? '' : `${ratio.toFixed(1)}x naive; `}CPU ${cpuNote(projector)}`;
      rows.push([
        `projector app, ${rate(SIZE.backlogEvents)}-event backlog`,
        rate(projector.eventsPerSecond),
        `${projector.seconds.toFixed(1)} s (${projector.totalSeconds.toFixed(1)} s from start)`,
        `${versus}; ${cpuPerEvent(projector)}`,
      ]);
      if (baseline !== null) {
        rows.push([
          `baseline build, same backlog`,
          rate(baseline.eventsPerSecond),
          `${baseline.seconds.toFixed(1)} s (${baseline.totalSeconds.toFixed(1)} s from start)`,
          `CPU ${cpuNote(baseline)}; ${cpuPerEvent(baseline)}`,
        ]);
      }
      if (!SKIP_NAIVE) {
        rows.push([
          `naive: one transaction per event, no NOTIFY (as the projector)`,
          rate(naive.eventsPerSecond),
          `${rate(naive.events)} events in ${naive.seconds.toFixed(1)} s`,
          `1x; CPU ${cpuNote(naive)}`,
        ]);
      }
      json['backlog'] = {
        events: SIZE.backlogEvents,
        accounts: SIZE.backlogAccounts,
        partitions: PARTITIONS,
        recordSizeBytes: recordSize,
        projector,
        ...(baseline === null ? {} : { baseline: { main: BASELINE_MAIN, ...baseline } }),
        naive,
        projectorVsNaive: ratio,
        naiveBaseline: 'one transaction per event through the same writer, in-transaction NOTIFY off as in the projector',
        definition: 'events/s from the first event applied to the last; totalSeconds counts from the process start',
      };
    }
    if (LIVE_RUN) {
      const messages = [...historyChunks(LIVE.accounts, LIVE.rate * LIVE.seconds, 5_000)]
        .flat()
        .map((event, index) => toKafkaMessage(toEnvelope({ ...event, globalPosition: String(index + 1) })));
      if (SKIP_BACKLOG && PROJECTOR_MAIN === undefined) buildProjector();
      const builds: [string, string][] = [
        ...(BASELINE_MAIN === undefined ? [] : [['baseline', BASELINE_MAIN] as [string, string]]),
        ['projector', PROJECTOR_MAIN ?? join(ROOT, 'dist', 'apps', 'projector', 'main.js')],
      ];
      const live: Record<string, LiveResult> = {};
      for (let round = 0; round < LIVE_ROUNDS; round++) {
        // Each round in the other order: a load that shifts on the shared machine falls on both builds alike.
        for (const [label, main] of round % 2 === 0 ? builds : [...builds].reverse()) {
          log(`a live trickle of ${LIVE.rate} events/s into the ${label} build (round ${round + 1} of ${LIVE_ROUNDS}) ...`);
          const run = await liveWithProjector(kafka, admin, main, label, messages);
          log(`  ${label}: ${run.transactions ?? '?'} transactions; ${cpuPerEvent(run)}`);
          live[label] = sumLive(live[label], run);
        }
      }
      if (live['projector'] === undefined) throw new Error('the projector build made no live run');
      rows.push(liveRow('projector app', live['projector']));
      if (live['baseline'] !== undefined) rows.push(liveRow('baseline build', live['baseline']));
      json['live'] = { ...LIVE, rounds: LIVE_ROUNDS, partitions: PARTITIONS, ...live };
    }
    if (!SKIP_REBUILD) {
      const { runs, seedSeconds, verified } = await rebuildRuns();
      for (const run of runs) {
        rows.push([
          `${run.label}, ${rate(run.events)} events`,
          rate(run.eventsPerSecond),
          `${run.seconds.toFixed(1)} s`,
          `writes held ${Math.round(run.lockedMs)} ms; CPU ${cpuNote(run)}`,
        ]);
      }
      json['rebuild'] = { events: SIZE.rebuildEvents, accounts: SIZE.rebuildAccounts, seedSeconds, verified, runs };
    }
    const table = formatTable(['benchmark', 'events/s', 'time', 'note'], rows);
    log(`\n${table}`);
    if (PARTIAL) return;
    const results = join(ROOT, 'tools', 'bench', 'results');
    mkdirSync(results, { recursive: true });
    const file = join(results, QUICK ? 'projector-quick.json' : 'projector.json');
    const machine = await machineInfo(testServerUrl());
    writeFileSync(file, `${JSON.stringify({ machine, ...json, targets: TARGETS, met: targetsMet(json) }, null, 2)}\n`);
    log(`\nwritten to ${file}`);
  } finally {
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
