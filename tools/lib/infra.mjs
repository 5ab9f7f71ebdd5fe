// The stack's infrastructure (PostgreSQL + Kafka) as functions, shared by tools/infra.mjs and tools/stack.mjs.
import { ensureKafka, kafkaStatus, stopKafka } from './kafka.mjs';
import { ensurePostgres, postgresStatus, redact, stopPostgres } from './postgres.mjs';

export { redact };

/**
 * Brings up whatever is missing. Returns { databaseUrl, kafkaBrokers, started, stop }; stop() stops only what
 * this call started, so a broker left running by `infra up` survives a test run.
 */
export async function ensureInfra({ env = process.env, log = console.log } = {}) {
  // Concurrently: the broker's JVM start dominates, PostgreSQL is usually just a check.
  const [postgres, kafka] = await Promise.allSettled([ensurePostgres({ env, log }), ensureKafka({ env, log })]);
  const started = {
    postgres: postgres.status === 'fulfilled' && postgres.value.startedHere,
    kafka: kafka.status === 'fulfilled' && kafka.value.startedHere,
  };
  const stop = () => stopStarted(started, log);
  const failures = [postgres, kafka].filter((result) => result.status === 'rejected');
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((failure) => failure.reason?.message ?? String(failure.reason)).join('\n'));
  }
  log(`postgres: ${postgres.value.origin} -> ${redact(postgres.value.url)}`);
  log(`kafka: ${kafka.value.origin} -> ${kafka.value.brokers}`);
  return {
    databaseUrl: postgres.value.url,
    kafkaBrokers: kafka.value.brokers,
    started,
    stop,
  };
}

async function stopStarted(started, log) {
  if (started.kafka) log(`kafka: ${await stopKafka()}`);
  if (started.postgres) log(`postgres: ${await stopPostgres()}`);
}

/** Stops every local server that tools/infra.mjs started (per their pid files); never a foreign server. */
export async function stopInfra({ log = console.log } = {}) {
  log(`kafka: ${await stopKafka()}`);
  log(`postgres: ${await stopPostgres()}`);
}

export async function infraStatus({ env = process.env } = {}) {
  const [postgres, kafka] = await Promise.all([postgresStatus({ env }), kafkaStatus({ env })]);
  return { postgres, kafka };
}

/** Environment lines for what answers now (only those that are up). */
export async function infraEnv({ env = process.env } = {}) {
  const { postgres, kafka } = await infraStatus({ env });
  const lines = [];
  if (postgres.up) lines.push(`DATABASE_URL=${postgres.url}`);
  if (kafka.up) lines.push(`KAFKA_BROKERS=${kafka.brokers}`);
  return lines;
}
