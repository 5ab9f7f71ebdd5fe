import { DATABASE_ROLES } from '@ledger/platform';
import { asRole, builtAppMain, startChildApp, testKafkaBrokers, type ChildApp } from '@ledger/testing';
import { freePort } from '@ledger/tooling';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

export interface RelaySettings {
  readonly databaseUrl: string;
  readonly topic: string;
  readonly partitions: number;
  readonly batchSize: number;
  readonly logFile: string;
  /** How long boot may take; a relay draining a backlog on a busy machine answers slowly. */
  readonly bootTimeoutMs: number;
  /** Where the built apps are (`dist` by default): another build runs as the baseline. */
  readonly distDir?: string;
  /** The checkpoint row: relays of two builds draining one database each start from the origin. */
  readonly relayName?: string;
  /** Node's flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

/** `nx build relay`: the benchmark measures the artefact that ships, not the sources under ts-node. */
export function buildRelay(): void {
  const run = spawnSync('npx', ['nx', 'build', 'relay'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`nx build relay failed (exit ${run.status})`);
}

/**
 * The built relay (`node dist/apps/relay/main.js`) as a child process, returned once /health/live
 * answers: readiness also probes Postgres through the pool the relay is busy draining with, and the
 * benchmark only needs the process up (it watches the topic for what was relayed).
 */
export async function startRelay(settings: RelaySettings): Promise<ChildApp> {
  const port = await freePort();
  return startChildApp({
    main: builtAppMain('relay', settings.distDir),
    nodeArgs: settings.nodeArgs,
    port,
    readyPath: '/health/live',
    timeoutMs: settings.bootTimeoutMs,
    logFile: settings.logFile,
    env: {
      ...process.env,
      // As its own role: the benchmark's database was migrated (and the role granted) as the server's admin.
      DATABASE_URL: asRole(settings.databaseUrl, DATABASE_ROLES.relay),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC: settings.topic,
      KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
      RELAY_BATCH_SIZE: String(settings.batchSize),
      RELAY_PORT: String(port),
      ...(settings.relayName === undefined ? {} : { RELAY_NAME: settings.relayName }),
      LOG_LEVEL: 'warn',
    },
  });
}
