// The stack's infrastructure (PostgreSQL, Kafka, the development OpenID Connect issuer) as functions, shared by tools/infra.mjs and tools/stack.mjs.
import { ensureKafka, kafkaStatus, stopKafka } from './kafka.mjs';
import { ensureIssuer, issuerStatus, stopIssuer } from './oidc-issuer.mjs';
import { ensurePostgres, postgresStatus, redact, stopPostgres } from './postgres.mjs';

export { redact };

/**
 * Brings up whatever is missing. Returns { databaseUrl, kafkaBrokers, oidcIssuer, started, stop }; stop() stops only what
 * this call started, so a broker left running by `infra up` survives a test run.
 */
export async function ensureInfra({ env = process.env, log = console.log } = {}) {
  // Concurrently: the broker's JVM start dominates, PostgreSQL is usually just a check.
  const [postgres, kafka, issuer] = await Promise.allSettled([
    ensurePostgres({ env, log }),
    ensureKafka({ env, log }),
    ensureIssuer({ env, log }),
  ]);
  const started = {
    postgres: postgres.status === 'fulfilled' && postgres.value.startedHere,
    kafka: kafka.status === 'fulfilled' && kafka.value.startedHere,
    issuer: issuer.status === 'fulfilled' && issuer.value.startedHere,
  };
  const stop = () => stopStarted(started, log);
  const failures = [postgres, kafka, issuer].filter((result) => result.status === 'rejected');
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((failure) => failure.reason?.message ?? String(failure.reason)).join('\n'));
  }
  log(`postgres: ${postgres.value.origin} -> ${redact(postgres.value.url)}`);
  log(`kafka: ${kafka.value.origin} -> ${kafka.value.brokers}`);
  log(`oidc-issuer: ${issuer.value.origin} -> ${issuer.value.url}`);
  return {
    databaseUrl: postgres.value.url,
    kafkaBrokers: kafka.value.brokers,
    oidcIssuer: issuer.value.url,
    started,
    stop,
  };
}

async function stopStarted(started, log) {
  if (started.issuer) log(`oidc-issuer: ${await stopIssuer()}`);
  if (started.kafka) log(`kafka: ${await stopKafka()}`);
  if (started.postgres) log(`postgres: ${await stopPostgres()}`);
}

/** Stops every local server that tools/infra.mjs started (per their pid files); never a foreign server. */
export async function stopInfra({ log = console.log } = {}) {
  log(`oidc-issuer: ${await stopIssuer()}`);
  log(`kafka: ${await stopKafka()}`);
  log(`postgres: ${await stopPostgres()}`);
}

export async function infraStatus({ env = process.env } = {}) {
  const [postgres, kafka, issuer] = await Promise.all([postgresStatus({ env }), kafkaStatus({ env }), issuerStatus({ env })]);
  return { postgres, kafka, issuer };
}

/** Environment lines for what answers now (only those that are up). */
export async function infraEnv({ env = process.env } = {}) {
  const { postgres, kafka, issuer } = await infraStatus({ env });
  const lines = [];
  if (postgres.up) lines.push(`DATABASE_URL=${postgres.url}`);
  if (kafka.up) lines.push(`KAFKA_BROKERS=${kafka.brokers}`);
  if (issuer.up) lines.push(`OIDC_ISSUER=${issuer.url}`);
  return lines;
}
