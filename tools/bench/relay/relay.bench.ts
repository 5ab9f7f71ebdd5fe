/**
 * Relay benchmark: `npm run bench:relay [-- --no-build]`.
 * The relay runs as the built app (`nx build relay`, skipped with --no-build) in a child process;
 * the benchmark sees what it published by consuming the topic.
 *  1. Drain a backlog of 200,000 events: the relay vs a plain kafkajs producer sending the same
 *     messages in batches of the same size with the same settings, vs Kafka's ProducerPerformance
 *     (same record count and size).
 *  2. Relay lag (commit seen by the writer -> record sent to Kafka, by the record's CreateTime)
 *     under 1,000 appends/s for 20 s.
 * Prints a table and writes tools/bench/results/relay.json.
 */
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations, PostgresEventStore } from '@ledger/event-store';
import { accountPartitioner, createKafka, toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { sleep } from '@ledger/platform';
import {
  createTestDatabase,
  createTopicAndWait,
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
import type { Kafka, Message } from 'kafkajs';
import { Pool } from 'pg';
import { percentile } from '../lib/closed-loop';
import { machineInfo } from '../lib/machine-info';
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

function relayFor(databaseUrl: string, topic: string, log: string): Promise<ChildApp> {
  return startRelay({
    databaseUrl,
    topic,
    partitions: PARTITIONS,
    batchSize: BATCH,
    logFile: join(tmpdir(), log),
    bootTimeoutMs: DRAIN_TIMEOUT_MS,
  });
}

/** Waits for `done`, failing if the relay exits first or the deadline passes. */
async function waitFor(relay: ChildApp, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (relay.process.exitCode !== null || relay.process.signalCode !== null) throw new Error(`the relay exited while ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out ${what}`);
    await sleep(50);
  }
}

interface Drain {
  /** Events over the span of the records' CreateTimes (first to last send). */
  readonly eventsPerSecond: number;
  /** Relay process spawned -> last record consumed, boot included. */
  readonly wallSeconds: number;
}

async function drainWithRelay(kafka: Kafka, databaseUrl: string, topic: string): Promise<Drain> {
  const observer = await observeTopic(kafka, topic, false);
  const spawned = Date.now();
  const relay = await relayFor(databaseUrl, topic, 'relay-drain.log');
  try {
    await waitFor(relay, () => observer.count() >= BACKLOG, DRAIN_TIMEOUT_MS, 'draining the backlog');
    const wallSeconds = (Date.now() - spawned) / 1000;
    const { first, last } = observer.createTimeSpan();
    return {
      eventsPerSecond: BACKLOG / (Math.max(1, last - first) / 1000),
      wallSeconds,
    };
  } finally {
    await relay.stop();
    await observer.stop();
  }
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

async function steadyLag(kafka: Kafka, databaseUrl: string, topic: string): Promise<SteadyLag> {
  const observer: TopicObserver = await observeTopic(kafka, topic, true);
  const relay = await relayFor(databaseUrl, topic, 'relay-steady.log');
  try {
    await sleep(2_000);
    const { committedAt, rate } = await appendSteadily(databaseUrl);
    await waitFor(relay, () => observer.records.size >= committedAt.size, 60_000, 'relaying the steady load').catch(() => undefined);
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

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    process.stdout.write('nx build relay ...\n');
    buildRelay();
  }
  mkdirSync(RESULTS, { recursive: true });
  const steadyDb = await eventStoreDatabase();
  const drainDb = await eventStoreDatabase();
  const kafka = createKafka('bench-relay', testKafkaBrokers());
  const admin = kafka.admin();
  await admin.connect();
  const topics = {
    relay: uniqueTopicName('bench-relay'),
    plain: uniqueTopicName('bench-plain'),
    perf: uniqueTopicName('bench-perf'),
    steady: uniqueTopicName('bench-steady'),
  };
  const pool = new Pool({ connectionString: drainDb.url, max: 4 });
  try {
    // Leaders elected before anyone reads or writes: a busy broker otherwise answers "does not
    // host this topic-partition" for a while, and the observing consumer crash-loops meanwhile.
    for (const topic of Object.values(topics)) await createTopicAndWait(admin, topic, PARTITIONS, 120_000);
    // Lag first, while this process's heap is small: the drain phases hold hundreds of MB of
    // messages here, and garbage-collector pauses would delay the observing consumer.
    process.stdout.write(`steady ${STEADY_RATE} appends/s for ${STEADY_SECONDS} s ...\n`);
    const lag = await steadyLag(kafka, steadyDb.url, topics.steady);

    const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
    process.stdout.write(`seeding ${BACKLOG} events ...\n`);
    await seedBacklog(pool, accounts);
    await pool.query('VACUUM ANALYZE event_store.events');
    const messages = await backlogMessages(pool);
    const recordSize = Math.round(messages.reduce((n, m) => n + (m.value as Buffer).length, 0) / messages.length);

    process.stdout.write('draining with the relay ...\n');
    const drain = await drainWithRelay(kafka, drainDb.url, topics.relay);
    const relayRate = drain.eventsPerSecond;
    process.stdout.write('plain kafkajs producer ...\n');
    const plainRate = await plainKafkajs(kafka, topics.plain, messages);
    process.stdout.write('kafka ProducerPerformance ...\n');
    const perf = await producerPerformance(topics.perf, recordSize);

    const rows = [
      [
        'relay, built app (Postgres -> Kafka, checkpointed)',
        relayRate.toFixed(0),
        `${((relayRate / plainRate) * 100).toFixed(0)}% of kafkajs`,
      ],
      ['plain kafkajs producer, same messages', plainRate.toFixed(0), '100%'],
      [
        `Kafka ProducerPerformance (${recordSize} B records)`,
        perf.rate.toFixed(0),
        `${((perf.rate / plainRate) * 100).toFixed(0)}% of kafkajs`,
      ],
    ];
    const table =
      formatTable([`drain ${BACKLOG} backlog`, 'events/s', 'relative'], rows) +
      '\n\n' +
      formatTable(
        ['steady load (lag from append() resolving)', 'value'],
        [
          ['appends/s achieved', lag.rate.toFixed(0)],
          ['lag to send, p50 (ms, record CreateTime)', ms(lag.sent.p50)],
          ['lag to send, p99 (ms, record CreateTime)', ms(lag.sent.p99)],
          ['lag to send, max (ms, record CreateTime)', ms(lag.sent.max)],
          ['lag to consumer, p50 (ms, arrival)', ms(lag.consumed.p50)],
          ['lag to consumer, p99 (ms, arrival)', ms(lag.consumed.p99)],
          ['samples', String(lag.samples)],
          ['not seen on the topic', String(lag.missing)],
        ],
      ) +
      `\n\nrelay drain rate = events / (last - first record CreateTime); ` +
      `relay process spawn -> last record consumed: ${drain.wallSeconds.toFixed(1)} s (boot included)`;
    process.stdout.write(`\n${table}\n`);
    writeFileSync(
      join(RESULTS, 'relay.json'),
      JSON.stringify(
        {
          machine: await machineInfo(drainDb.url),
          relay: 'built app (dist/apps/relay/main.js) as a child process',
          backlog: {
            events: BACKLOG,
            accounts: ACCOUNTS,
            batchSize: BATCH,
            partitions: PARTITIONS,
            recordSizeBytes: recordSize,
          },
          drain: {
            relayEventsPerSecond: relayRate,
            relayRateDefinition: 'events / (last - first record CreateTime) on the topic, read by a consumer of the bench',
            relaySpawnToLastRecordSeconds: drain.wallSeconds,
            kafkajsEventsPerSecond: plainRate,
            producerPerformanceRecordsPerSecond: perf.rate,
            producerPerformanceOutput: perf.line,
          },
          steady: {
            targetAppendsPerSecond: STEADY_RATE,
            seconds: STEADY_SECONDS,
            achievedAppendsPerSecond: lag.rate,
            lagMs: lag.sent,
            consumerLagMs: lag.consumed,
            samples: lag.samples,
            notSeenOnTopic: lag.missing,
            lagDefinition:
              "lagMs: the record's Kafka CreateTime (set by the relay's producer when it sends) minus append() resolving in the writer; consumerLagMs: the bench consumer's receipt minus the same; both clamped at 0",
          },
          targets: { relayVsKafkajs: '>= 50%', lagP99Ms: '< 50' },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await pool.end();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
    await steadyDb.drop();
    await drainDb.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
