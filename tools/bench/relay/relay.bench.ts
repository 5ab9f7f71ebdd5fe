/**
 * Relay benchmark: `npm run bench:relay [-- --no-build] [-- --baseline <dist>] [-- --profile] [-- --rounds <n>]`.
 * The relay runs as the built app (`nx build relay`, skipped with --no-build) in a child process;
 * the benchmark sees what it published by consuming the topic. `--baseline <dist>` also runs the
 * relay built in `<dist>` (e.g. before a change) through every phase of the same run, so the two
 * builds are compared under the same conditions; `--profile` writes a `--cpu-prof` profile of each
 * relay process to tmp/bench-relay-profiles; `--rounds <n>` repeats the drains (each build's and the
 * plain producer's, interleaved) n times and reports each one's median.
 *  1. Drain a backlog of 200,000 events: the relay vs a plain kafkajs producer sending the same
 *     messages in batches of the same size with the same settings, vs Kafka's ProducerPerformance
 *     (same record count and size).
 *  2. Relay lag (commit seen by the writer -> record sent to Kafka, by the record's CreateTime)
 *     under 1,000 appends/s for 20 s, then 5 s with no appends.
 * The relay's CPU (user + system, from /proc) is reported per event drained, per event at the steady
 * rate, and per second idle.
 * Prints a table and writes tools/bench/results/relay.json.
 */
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations, PostgresEventStore } from '@ledger/event-store';
import { accountPartitioner, createKafka, toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { sleep } from '@ledger/platform';
import {
  createTestDatabase,
  createTopicAndWait,
  eventually,
  testKafkaBrokers,
  uniqueTopicName,
  type ChildApp,
  type TestDatabase,
} from '@ledger/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Admin, Kafka, Message } from 'kafkajs';
import { Pool } from 'pg';
import { percentile } from '../lib/closed-loop';
import { brokerJit } from '../lib/broker-jit';
import { machineInfo } from '../lib/machine-info';
import { median } from '../lib/median';
import { processCpuSeconds } from '../lib/process-cpu';
import { formatTable } from '../lib/table';
import { buildRelay, startRelay } from './relay.child';
import { observeTopic, type TopicObserver } from './topic.observer';

const root = join(__dirname, '..', '..', '..');
const RESULTS = join(root, 'tools', 'bench', 'results');
const BACKLOG = Number(process.env['BENCH_RELAY_EVENTS'] ?? 200_000);
const ACCOUNTS = 1_000;
const BATCH = 1_000;
const STEADY_RATE = 1_000;
const STEADY_SECONDS = Number(process.env['BENCH_RELAY_STEADY_SECONDS'] ?? 20);
const PARTITIONS = 12;
const DRAIN_TIMEOUT_MS = 15 * 60_000;
const IDLE_SECONDS = 5;
const PROFILES = join(root, 'tmp', 'bench-relay-profiles');

/** One build of the relay under test. */
interface RelayBuild {
  readonly label: string;
  /** `dist` of the repository when undefined. */
  readonly distDir?: string;
  /** Its own checkpoint row, so each build drains the backlog from the origin. */
  readonly relayName: string;
  readonly nodeArgs: readonly string[];
}

function options() {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
  const profile = (label: string) => (values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, label)}`] : []);
  const builds: RelayBuild[] = [
    ...(values.baseline === undefined
      ? []
      : [{ label: 'baseline', distDir: values.baseline, relayName: 'bench-baseline', nodeArgs: profile('baseline') }]),
    { label: 'this build', relayName: 'bench-current', nodeArgs: profile('current') },
  ];
  return { builds, build: !values['no-build'], rounds };
}

async function seedBacklog(pool: Pool, accounts: readonly string[]): Promise<void> {
  const chunk = 50_000;
  for (let start = 0; start < BACKLOG; start += chunk) {
    await pool.query(
      `INSERT INTO event_store.events (stream_id, version, event_id, type, schema_version, data, metadata, occurred_at)
       SELECT ($1::text[])[(i % $2) + 1], i / $2 + 1, gen_random_uuid(), 'MoneyDeposited', 1,
              jsonb_build_object('amount', ((i % 5000) + 1)::text, 'balanceAfter', (i * 7)::text, 'currency', 'EUR'),
              jsonb_build_object('correlationId', gen_random_uuid()::text, 'causationId', NULL),
              now()
         FROM generate_series($3::int, $4::int) AS i`,
      [accounts, ACCOUNTS, start, Math.min(start + chunk, BACKLOG) - 1],
    );
  }
}

function relayFor(build: RelayBuild, databaseUrl: string, topic: string, log: string, relayName = build.relayName): Promise<ChildApp> {
  return startRelay({
    databaseUrl,
    topic,
    partitions: PARTITIONS,
    batchSize: BATCH,
    logFile: join(tmpdir(), log),
    bootTimeoutMs: DRAIN_TIMEOUT_MS,
    distDir: build.distDir,
    relayName,
    nodeArgs: build.nodeArgs,
  });
}

/** CPU seconds the relay process has used so far (NaN off Linux). */
function cpuOf(relay: ChildApp): number {
  const pid = relay.process.pid;
  return (pid === undefined ? null : processCpuSeconds(pid)) ?? Number.NaN;
}

/** Waits for `done`, failing if the relay exits first or the deadline passes. */
async function waitFor(relay: ChildApp, done: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (relay.process.exitCode !== null || relay.process.signalCode !== null) throw new Error(`the relay exited while ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out ${what}`);
    await sleep(50);
  }
}

interface Drain {
  /** Events over the span of the records' CreateTimes (first to last send). */
  readonly eventsPerSecond: number;
  /** Relay process spawned -> every event on the topic, boot included. */
  readonly wallSeconds: number;
  /** The relay's CPU per event sent after it answered /health/live (boot excluded), in microseconds. */
  readonly cpuMicrosPerEvent: number;
}

/** Records on the topic: the sum of its partitions' high watermarks (the topic is new, so they start at 0). */
async function recordsOn(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, { high }) => n + Number(high), 0);
}

/**
 * While the relay drains, the benchmark only polls the topic's offsets: a consumer decoding 200,000
 * records meanwhile would take CPU from the relay, Postgres and the broker on a small machine, which the
 * plain kafkajs producer below does not share it with. The CreateTimes are read after the drain.
 */
async function drainWithRelay(
  kafka: Kafka,
  admin: Admin,
  build: RelayBuild,
  databaseUrl: string,
  topic: string,
  round: number,
): Promise<Drain> {
  const spawned = Date.now();
  // A checkpoint row per round: each drains the backlog from the origin.
  const relayName = `${build.relayName}-${round}`;
  const relay = await relayFor(build, databaseUrl, topic, `relay-drain-${relayName}.log`, relayName);
  let cpuMicrosPerEvent: number;
  let wallSeconds: number;
  try {
    const cpuAtBoot = cpuOf(relay);
    const sentAtBoot = await recordsOn(admin, topic);
    let sent = sentAtBoot;
    await waitFor(relay, async () => (sent = await recordsOn(admin, topic)) >= BACKLOG, DRAIN_TIMEOUT_MS, 'draining the backlog');
    cpuMicrosPerEvent = ((cpuOf(relay) - cpuAtBoot) * 1e6) / Math.max(1, sent - sentAtBoot);
    wallSeconds = (Date.now() - spawned) / 1000;
  } finally {
    await relay.stop();
  }
  const observer = await observeTopic(kafka, topic, false);
  try {
    await eventually(() => observer.count() >= BACKLOG, DRAIN_TIMEOUT_MS, 'reading the drained topic');
    const { first, last } = observer.createTimeSpan();
    return { eventsPerSecond: BACKLOG / (Math.max(1, last - first) / 1000), wallSeconds, cpuMicrosPerEvent };
  } finally {
    await observer.stop();
  }
}

/** The round of median rate (its own CPU and wall time with it). */
function medianDrain(rounds: readonly Drain[]): Drain {
  const sorted = [...rounds].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Drain;
}

async function backlogMessages(pool: Pool): Promise<Message[]> {
  const { rows } = await pool.query(
    `SELECT global_position::text AS global_position, stream_id, version, event_id::text AS event_id, type,
            schema_version, data, metadata, occurred_at
       FROM event_store.events ORDER BY transaction_id, global_position`,
  );
  return rows.map((r) =>
    toKafkaMessage(
      toEnvelope({
        eventId: r.event_id,
        streamId: r.stream_id,
        version: Number(r.version),
        type: r.type,
        schemaVersion: r.schema_version,
        occurredAt: r.occurred_at,
        data: r.data,
        metadata: r.metadata,
        globalPosition: r.global_position,
      }),
    ),
  );
}

async function plainKafkajs(kafka: Kafka, topic: string, messages: readonly Message[]): Promise<number> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: accountPartitioner,
  });
  await producer.connect();
  const started = Date.now();
  for (let i = 0; i < messages.length; i += BATCH) {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.slice(i, i + BATCH),
    });
  }
  const seconds = (Date.now() - started) / 1000;
  await producer.disconnect();
  return messages.length / seconds;
}

function producerPerformance(topic: string, recordSize: number): Promise<{ rate: number; line: string }> {
  const libs = join(root, 'tools', '.local', 'kafka', 'libs', '*');
  const args = [
    `-Dlog4j2.configurationFile=${join(root, 'tools', 'kafka', 'log4j2-tools.xml')}`,
    '-cp',
    libs,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(BACKLOG),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${testKafkaBrokers().join(',')}`,
    'acks=all',
    'enable.idempotence=true',
  ];
  return new Promise((resolve, reject) => {
    execFile('java', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const line =
        stdout
          .trim()
          .split('\n')
          .filter((l) => l.includes('records sent'))
          .pop() ?? '';
      const match = /records sent, ([\d.]+) records\/sec/.exec(line);
      if (!match) return reject(new Error(`unexpected ProducerPerformance output: ${stdout}`));
      resolve({ rate: Number(match[1]), line });
    });
  });
}

interface Lag {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

interface SteadyLag {
  /** Record's CreateTime (the relay's send) minus append() resolving in the writer. */
  readonly sent: Lag;
  /** The observing consumer's receipt minus append() resolving in the writer. */
  readonly consumed: Lag;
  readonly samples: number;
  readonly missing: number;
  readonly rate: number;
  /** The relay's CPU from the first append until every event was seen on the topic, per event. */
  readonly cpuMicrosPerEvent: number;
  /** The relay's CPU per second of the idle window after the load. */
  readonly idleCpuMsPerSecond: number;
}

function lagOf(lags: number[]): Lag {
  const sorted = lags.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Appends at a clock-scheduled rate over 200 accounts; returns each event's commit time. */
async function appendSteadily(databaseUrl: string): Promise<{ committedAt: Map<string, number>; rate: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 32 });
  const store = new PostgresEventStore(pool);
  const committedAt = new Map<string, number>();
  const accounts = Array.from({ length: 200 }, () => ({
    id: randomUUID(),
    version: 0,
    busy: false,
  }));
  const total = STEADY_RATE * STEADY_SECONDS;
  const started = Date.now();
  const inflight: Promise<void>[] = [];
  let issued = 0;
  try {
    while (issued < total) {
      const due = started + (issued * 1000) / STEADY_RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const account = accounts.find((a) => !a.busy);
      if (account === undefined) {
        await sleep(1);
        continue;
      }
      account.busy = true;
      issued += 1;
      const eventId = randomUUID();
      inflight.push(
        store
          .append({
            streamId: account.id,
            expectedVersion: account.version,
            events: [
              {
                eventId,
                type: 'MoneyDeposited',
                schemaVersion: 1,
                data: {
                  amount: '100',
                  balanceAfter: String((account.version + 1) * 100),
                },
                metadata: { correlationId: randomUUID(), causationId: null },
                occurredAt: new Date(),
              },
            ],
          })
          .then((result) => {
            if (result.kind !== 'appended') throw new Error(`unexpected ${result.kind}`);
            committedAt.set(eventId, Date.now());
            account.version = result.nextVersion;
            account.busy = false;
          }),
      );
    }
    await Promise.all(inflight);
    return { committedAt, rate: total / ((Date.now() - started) / 1000) };
  } finally {
    await pool.end();
  }
}

async function steadyLag(kafka: Kafka, build: RelayBuild, databaseUrl: string, topic: string): Promise<SteadyLag> {
  const observer: TopicObserver = await observeTopic(kafka, topic, true);
  const relay = await relayFor(build, databaseUrl, topic, `relay-steady-${build.relayName}.log`);
  try {
    await sleep(2_000);
    const cpuBefore = cpuOf(relay);
    const { committedAt, rate } = await appendSteadily(databaseUrl);
    await waitFor(relay, () => observer.records.size >= committedAt.size, 60_000, 'relaying the steady load').catch(() => undefined);
    const cpuLoaded = cpuOf(relay);
    await sleep(IDLE_SECONDS * 1000);
    const idleCpuMsPerSecond = ((cpuOf(relay) - cpuLoaded) * 1000) / IDLE_SECONDS;
    const sent: number[] = [];
    const consumed: number[] = [];
    for (const [id, at] of committedAt) {
      const record = observer.records.get(id);
      if (record === undefined) continue;
      sent.push(Math.max(0, record.createTime - at));
      consumed.push(Math.max(0, record.arrivedAt - at));
    }
    return {
      sent: lagOf(sent),
      consumed: lagOf(consumed),
      samples: sent.length,
      missing: committedAt.size - sent.length,
      rate,
      cpuMicrosPerEvent: ((cpuLoaded - cpuBefore) * 1e6) / Math.max(1, committedAt.size),
      idleCpuMsPerSecond,
    };
  } finally {
    await relay.stop();
    await observer.stop();
  }
}

function eventStoreDatabase(): Promise<TestDatabase> {
  return createTestDatabase([...eventStoreMigrations], EVENT_STORE_MIGRATIONS_TABLE);
}

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : String(value));

interface BuildResult {
  readonly build: RelayBuild;
  readonly lag: SteadyLag;
  readonly drain: Drain;
}

function drainRows(results: readonly BuildResult[], plainRate: number, perf: { rate: number }, recordSize: number): string[][] {
  const relative = (rate: number) => `${((rate / plainRate) * 100).toFixed(0)}% of kafkajs`;
  return [
    ...results.map(({ build, drain }) => [
      `relay, ${build.label} (Postgres -> Kafka, checkpointed)`,
      drain.eventsPerSecond.toFixed(0),
      relative(drain.eventsPerSecond),
      drain.cpuMicrosPerEvent.toFixed(1),
    ]),
    ['plain kafkajs producer, same messages', plainRate.toFixed(0), '100%', ''],
    [`Kafka ProducerPerformance (${recordSize} B records)`, perf.rate.toFixed(0), relative(perf.rate), ''],
  ];
}

function steadyRows(results: readonly BuildResult[]): string[][] {
  const row = (what: string, value: (lag: SteadyLag) => string) => [what, ...results.map(({ lag }) => value(lag))];
  return [
    row('appends/s achieved', (lag) => lag.rate.toFixed(0)),
    row('lag to send, p50 (ms, record CreateTime)', (lag) => ms(lag.sent.p50)),
    row('lag to send, p99 (ms, record CreateTime)', (lag) => ms(lag.sent.p99)),
    row('lag to send, max (ms, record CreateTime)', (lag) => ms(lag.sent.max)),
    row('lag to consumer, p50 (ms, arrival)', (lag) => ms(lag.consumed.p50)),
    row('lag to consumer, p99 (ms, arrival)', (lag) => ms(lag.consumed.p99)),
    row('relay CPU per event (µs)', (lag) => lag.cpuMicrosPerEvent.toFixed(1)),
    row(`relay CPU idle (ms per s, ${IDLE_SECONDS} s after the load)`, (lag) => lag.idleCpuMsPerSecond.toFixed(2)),
    row('samples', (lag) => String(lag.samples)),
    row('not seen on the topic', (lag) => String(lag.missing)),
  ];
}

function resultOf(result: BuildResult, plainRate: number) {
  const { build, lag, drain } = result;
  return {
    build: build.label,
    distDir: build.distDir ?? 'dist',
    drain: {
      relayEventsPerSecond: drain.eventsPerSecond,
      relativeToKafkajs: drain.eventsPerSecond / plainRate,
      relaySpawnToLastRecordSeconds: drain.wallSeconds,
      relayCpuMicrosPerEvent: drain.cpuMicrosPerEvent,
    },
    steady: {
      achievedAppendsPerSecond: lag.rate,
      lagMs: lag.sent,
      consumerLagMs: lag.consumed,
      relayCpuMicrosPerEvent: lag.cpuMicrosPerEvent,
      relayIdleCpuMsPerSecond: lag.idleCpuMsPerSecond,
      samples: lag.samples,
      notSeenOnTopic: lag.missing,
    },
  };
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.build) {
    process.stdout.write('nx build relay ...\n');
    buildRelay();
  }
  mkdirSync(RESULTS, { recursive: true });
  const steadyDbs = await Promise.all(opts.builds.map(() => eventStoreDatabase()));
  const drainDb = await eventStoreDatabase();
  const kafka = createKafka('bench-relay', testKafkaBrokers());
  const admin = kafka.admin();
  await admin.connect();
  const roundNumbers = Array.from({ length: opts.rounds }, (_, round) => round);
  const topicsOf = (build: RelayBuild) => ({
    relay: roundNumbers.map((round) => uniqueTopicName(`bench-relay-${build.relayName}-${round}`)),
    steady: uniqueTopicName(`bench-steady-${build.relayName}`),
  });
  const buildTopics = opts.builds.map(topicsOf);
  const shared = { plain: roundNumbers.map((round) => uniqueTopicName(`bench-plain-${round}`)), perf: uniqueTopicName('bench-perf') };
  const allTopics = [...buildTopics.flatMap((t) => [...t.relay, t.steady]), ...shared.plain, shared.perf];
  const pool = new Pool({ connectionString: drainDb.url, max: 4 });
  try {
    // Leaders elected before anyone reads or writes: a busy broker otherwise answers "does not
    // host this topic-partition" for a while, and the observing consumer crash-loops meanwhile.
    for (const topic of allTopics) await createTopicAndWait(admin, topic, PARTITIONS, 120_000);
    // Lag first, while this process's heap is small: the drain phases hold hundreds of MB of
    // messages here, and garbage-collector pauses would delay the observing consumer.
    const lags: SteadyLag[] = [];
    for (const [i, build] of opts.builds.entries()) {
      process.stdout.write(`${build.label}: steady ${STEADY_RATE} appends/s for ${STEADY_SECONDS} s, then ${IDLE_SECONDS} s idle ...\n`);
      lags.push(await steadyLag(kafka, build, (steadyDbs[i] as TestDatabase).url, buildTopics[i]?.steady as string));
    }

    const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
    process.stdout.write(`seeding ${BACKLOG} events ...\n`);
    await seedBacklog(pool, accounts);
    await pool.query('VACUUM ANALYZE event_store.events');
    const messages = await backlogMessages(pool);
    const recordSize = Math.round(messages.reduce((n, m) => n + (m.value as Buffer).length, 0) / messages.length);

    // Rounds interleave the builds and the plain producer, so that a slow spell of a shared machine
    // falls on all of them; each reports its median round.
    const drainRounds: Drain[][] = opts.builds.map(() => []);
    const plainRounds: number[] = [];
    for (const round of roundNumbers) {
      // Every other round in reverse order: the build that goes first does not always drain a colder or a busier system.
      const order = round % 2 === 0 ? [...opts.builds.entries()] : [...opts.builds.entries()].reverse();
      for (const [i, build] of order) {
        process.stdout.write(`${build.label}: draining with the relay (round ${round + 1} of ${opts.rounds}) ...\n`);
        drainRounds[i]?.push(await drainWithRelay(kafka, admin, build, drainDb.url, buildTopics[i]?.relay[round] as string, round));
      }
      process.stdout.write(`plain kafkajs producer (round ${round + 1} of ${opts.rounds}) ...\n`);
      plainRounds.push(await plainKafkajs(kafka, shared.plain[round] as string, messages));
    }
    const drains = drainRounds.map(medianDrain);
    const plainRate = median(plainRounds);
    process.stdout.write('kafka ProducerPerformance ...\n');
    const perf = await producerPerformance(shared.perf, recordSize);

    const results: BuildResult[] = opts.builds.map((build, i) => ({ build, lag: lags[i] as SteadyLag, drain: drains[i] as Drain }));
    const brokerJitNow = brokerJit(testKafkaBrokers().join(','));
    const table =
      formatTable(
        [`drain ${BACKLOG} backlog`, 'events/s', 'relative', 'relay CPU per event (µs)'],
        drainRows(results, plainRate, perf, recordSize),
      ) +
      '\n\n' +
      formatTable(['steady load (lag from append() resolving)', ...opts.builds.map((b) => b.label)], steadyRows(results)) +
      `\n\nrelay drain rate = events / (last - first record CreateTime); relay process spawn -> last record consumed: ` +
      results.map(({ build, drain }) => `${build.label} ${drain.wallSeconds.toFixed(1)} s`).join(', ') +
      ` (boot included); Kafka broker's JIT ${brokerJitNow ?? 'unknown'} (LEDGER_KAFKA_JIT)`;
    process.stdout.write(`\n${table}\n`);
    writeFileSync(
      join(RESULTS, 'relay.json'),
      JSON.stringify(
        {
          machine: { ...(await machineInfo(drainDb.url)), kafkaBrokerJit: brokerJitNow },
          relay: 'built app (<dist>/apps/relay/main.js) as a child process',
          backlog: {
            drainRounds: opts.rounds,
            events: BACKLOG,
            accounts: ACCOUNTS,
            batchSize: BATCH,
            partitions: PARTITIONS,
            recordSizeBytes: recordSize,
          },
          kafkajsEventsPerSecond: plainRate,
          kafkajsEventsPerSecondByRound: plainRounds,
          relayEventsPerSecondByRound: Object.fromEntries(
            opts.builds.map((build, i) => [build.label, drainRounds[i]?.map((d) => d.eventsPerSecond)]),
          ),
          producerPerformanceRecordsPerSecond: perf.rate,
          producerPerformanceOutput: perf.line,
          builds: results.map((result) => resultOf(result, plainRate)),
          steady: { targetAppendsPerSecond: STEADY_RATE, seconds: STEADY_SECONDS, idleSeconds: IDLE_SECONDS },
          definitions: {
            relayEventsPerSecond: 'events / (last - first record CreateTime) on the topic, read by a consumer of the bench',
            lag: "lagMs: the record's Kafka CreateTime (set by the relay's producer when it sends) minus append() resolving in the writer; consumerLagMs: the bench consumer's receipt minus the same; both clamped at 0",
            cpu: 'user + system CPU of the relay process from /proc: drain per event relayed after /health/live answered; steady per event appended, from the first append until every event was seen; idle per second of the window after',
          },
          targets: { relayVsKafkajs: '>= 85%', lagP99Ms: '< 20' },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await pool.end();
    await admin.deleteTopics({ topics: allTopics }).catch(() => undefined);
    await admin.disconnect();
    for (const db of steadyDbs) await db.drop();
    await drainDb.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
