/**
 * Relay benchmark: `npm run bench:relay`.
 *  1. Drain a backlog of 200,000 events: the relay vs a plain kafkajs producer sending the same
 *     messages in batches of the same size with the same settings, vs Kafka's ProducerPerformance
 *     (same record count and size).
 *  2. Relay lag (commit seen by the writer -> Kafka acknowledged) under 1,000 appends/s for 20 s.
 * Prints a table and writes tools/bench/results/relay.json.
 */
import {
  EVENT_STORE_MIGRATIONS_TABLE,
  eventStoreMigrations,
  PostgresEventStore,
} from '@ledger/event-store';
import {
  accountPartitioner,
  ensureTopic,
  toEnvelope,
  toKafkaMessage,
} from '@ledger/messaging';
import { loadConfig, sleep } from '@ledger/platform';
import {
  createTestDatabase,
  testKafkaBrokers,
  uniqueTopicName,
} from '@ledger/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { RelayConfig } from '../../../apps/relay/src/relay.config';
import { Relay } from '../../../apps/relay/src/relay/relay';
import { RelayMetrics } from '../../../apps/relay/src/relay/relay.metrics';
import { machineInfo } from '../lib/machine-info';
import { formatTable } from '../lib/table';

const root = join(__dirname, '..', '..', '..');
const BACKLOG = Number(process.env['BENCH_RELAY_EVENTS'] ?? 200_000);
const ACCOUNTS = 1_000;
const BATCH = 1_000;
const STEADY_RATE = 1_000;
const STEADY_SECONDS = Number(process.env['BENCH_RELAY_STEADY_SECONDS'] ?? 20);
const PARTITIONS = 12;

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[
        Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
      ] ?? 0);

async function seedBacklog(
  pool: Pool,
  accounts: readonly string[],
): Promise<void> {
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

function relayConfig(databaseUrl: string, topic: string): RelayConfig {
  return loadConfig(RelayConfig, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC: topic,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    RELAY_BATCH_SIZE: String(BATCH),
    LOG_LEVEL: 'warn',
  });
}

function startRelay(
  databaseUrl: string,
  topic: string,
  onRelayed: (ids: readonly string[], at: number) => void,
) {
  const config = relayConfig(databaseUrl, topic);
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const kafka = new Kafka({
    clientId: 'bench-relay',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const relay = new Relay({
    config,
    kafka,
    pool,
    metrics: new RelayMetrics(new Registry()),
    onRelayed: (events) =>
      onRelayed(
        events.map((e) => e.eventId),
        Date.now(),
      ),
  });
  relay.start();
  return { stop: async () => (await relay.stop(), await pool.end()) };
}

async function drainWithRelay(
  databaseUrl: string,
  topic: string,
): Promise<number> {
  let relayed = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = Date.now();
  const relay = startRelay(databaseUrl, topic, (ids) => {
    relayed += ids.length;
    if (relayed >= BACKLOG) done();
  });
  await finished;
  const seconds = (Date.now() - started) / 1000;
  await relay.stop();
  return BACKLOG / seconds;
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

async function plainKafkajs(
  kafka: Kafka,
  topic: string,
  messages: readonly Message[],
): Promise<number> {
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

function producerPerformance(
  topic: string,
  recordSize: number,
): Promise<{ rate: number; line: string }> {
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
      if (!match)
        return reject(
          new Error(`unexpected ProducerPerformance output: ${stdout}`),
        );
      resolve({ rate: Number(match[1]), line });
    });
  });
}

async function steadyLag(
  databaseUrl: string,
  topic: string,
): Promise<{
  p50: number;
  p99: number;
  max: number;
  samples: number;
  rate: number;
}> {
  const pool = new Pool({ connectionString: databaseUrl, max: 32 });
  const store = new PostgresEventStore(pool);
  const committedAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const relay = startRelay(databaseUrl, topic, (ids, at) => {
    for (const id of ids) ackedAt.set(id, at);
  });
  await sleep(2_000);
  const accounts = Array.from({ length: 200 }, () => ({
    id: randomUUID(),
    version: 0,
    busy: false,
  }));
  const total = STEADY_RATE * STEADY_SECONDS;
  const started = Date.now();
  const inflight: Promise<void>[] = [];
  let issued = 0;
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
          if (result.kind !== 'appended')
            throw new Error(`unexpected ${result.kind}`);
          committedAt.set(eventId, Date.now());
          account.version = result.nextVersion;
          account.busy = false;
        }),
    );
  }
  await Promise.all(inflight);
  const achieved = total / ((Date.now() - started) / 1000);
  const deadline = Date.now() + 30_000;
  while (ackedAt.size < total && Date.now() < deadline) await sleep(50);
  await relay.stop();
  await pool.end();
  const lags = [...committedAt]
    .map(([id, at]) => Math.max(0, (ackedAt.get(id) ?? Infinity) - at))
    .sort((a, b) => a - b);
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags[lags.length - 1] ?? 0,
    samples: lags.length,
    rate: achieved,
  };
}

async function main(): Promise<void> {
  const db = await createTestDatabase(
    [...eventStoreMigrations],
    EVENT_STORE_MIGRATIONS_TABLE,
  );
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = {
    relay: uniqueTopicName('bench-relay'),
    plain: uniqueTopicName('bench-plain'),
    perf: uniqueTopicName('bench-perf'),
    steady: uniqueTopicName('bench-steady'),
  };
  const pool = new Pool({ connectionString: db.url, max: 4 });
  try {
    for (const topic of Object.values(topics))
      await ensureTopic(admin, { topic, partitions: PARTITIONS });
    // Lag first, in a fresh process: the drain phases leave hundreds of MB of messages on the heap,
    // and the garbage collector's pauses would then be measured as relay lag.
    process.stdout.write(
      `steady ${STEADY_RATE} appends/s for ${STEADY_SECONDS} s ...\n`,
    );
    const lag = await steadyLag(db.url, topics.steady);
    await pool.query(
      'TRUNCATE event_store.events, event_store.streams, event_store.relay_checkpoints',
    );

    const accounts = Array.from({ length: ACCOUNTS }, () => randomUUID());
    process.stdout.write(`seeding ${BACKLOG} events ...\n`);
    await seedBacklog(pool, accounts);
    await pool.query('VACUUM ANALYZE event_store.events');
    const messages = await backlogMessages(pool);
    const recordSize = Math.round(
      messages.reduce((n, m) => n + (m.value as Buffer).length, 0) /
        messages.length,
    );

    process.stdout.write('draining with the relay ...\n');
    const relayRate = await drainWithRelay(db.url, topics.relay);
    process.stdout.write('plain kafkajs producer ...\n');
    const plainRate = await plainKafkajs(kafka, topics.plain, messages);
    process.stdout.write('kafka ProducerPerformance ...\n');
    const perf = await producerPerformance(topics.perf, recordSize);

    const rows = [
      [
        'relay (Postgres -> Kafka, checkpointed)',
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
      formatTable(['drain 200k backlog', 'events/s', 'relative'], rows) +
      '\n\n' +
      formatTable(
        ['steady load', 'value'],
        [
          ['appends/s achieved', lag.rate.toFixed(0)],
          ['lag p50 (ms)', String(lag.p50)],
          ['lag p99 (ms)', String(lag.p99)],
          ['lag max (ms)', String(lag.max)],
          ['samples', String(lag.samples)],
        ],
      );
    process.stdout.write(`\n${table}\n`);
    const results = join(root, 'tools', 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(
      join(results, 'relay.json'),
      JSON.stringify(
        {
          machine: await machineInfo(db.url),
          backlog: {
            events: BACKLOG,
            accounts: ACCOUNTS,
            batchSize: BATCH,
            partitions: PARTITIONS,
            recordSizeBytes: recordSize,
          },
          drain: {
            relayEventsPerSecond: relayRate,
            kafkajsEventsPerSecond: plainRate,
            producerPerformanceRecordsPerSecond: perf.rate,
            producerPerformanceOutput: perf.line,
          },
          steady: {
            targetAppendsPerSecond: STEADY_RATE,
            seconds: STEADY_SECONDS,
            achievedAppendsPerSecond: lag.rate,
            lagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
            samples: lag.samples,
            lagDefinition:
              'Kafka ack seen by the relay minus append() resolving in the writer; clamped at 0',
          },
          targets: { relayVsKafkajs: '>= 50%', lagP99Ms: '< 50' },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await pool.end();
    await admin
      .deleteTopics({ topics: Object.values(topics) })
      .catch(() => undefined);
    await admin.disconnect();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
