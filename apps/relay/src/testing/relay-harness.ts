import type { CommittedEvent } from '@ledger/event-store';
import { loadConfig } from '@ledger/platform';
import { createKafka } from '@ledger/messaging';
import { APP_PROCESS_LOADER } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { RelayConfig } from '../relay.config';
import { Relay } from '../relay/relay';
import { RelayMetrics } from '../relay/relay.metrics';

const repoRoot = resolve(__dirname, '../../../..');

export interface RelaySettings {
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions?: number;
  /** Any other RelayConfig variable, as the environment would give it. */
  readonly env?: Record<string, string>;
}

function relayEnv(settings: RelaySettings): Record<string, string> {
  return {
    DATABASE_URL: settings.databaseUrl,
    DATABASE_POOL_SIZE: '2',
    KAFKA_BROKERS: settings.brokers.join(','),
    KAFKA_TOPIC: settings.topic,
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions ?? 12),
    RELAY_PORT: '0',
    RELAY_LEADER_RETRY_MS: '500',
    RELAY_BACKOFF_MAX_MS: '2000',
    ...settings.env,
  };
}

export interface InProcessRelay {
  readonly relay: Relay;
  readonly metrics: RelayMetrics;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** The relay's real parts in this process; `kafka` lets a test route its broker traffic (e.g. through a proxy). */
export function startRelay(
  settings: RelaySettings,
  options: { kafka?: Kafka; onRelayed?: (events: readonly CommittedEvent[]) => void } = {},
): InProcessRelay {
  const config = loadConfig(RelayConfig, relayEnv(settings));
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 2 });
  pool.on('error', () => undefined);
  const registry = new Registry();
  const metrics = new RelayMetrics(registry);
  const kafka = options.kafka ?? createKafka('relay-test', settings.brokers);
  const relay = new Relay({ config, kafka, pool, metrics, onRelayed: options.onRelayed });
  relay.start();
  return {
    relay,
    metrics,
    registry,
    stop: async () => {
      await relay.stop();
      await pool.end();
    },
  };
}

export interface RelayProcess {
  readonly pid: number;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly output: string[];
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<number | null>;
}

/** The real relay (main.ts) as a child process, so a test can kill -9 it. */
export function spawnRelayProcess(settings: RelaySettings): RelayProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', APP_PROCESS_LOADER, join(repoRoot, 'apps/relay/src/main.ts')],
    {
      cwd: repoRoot,
      env: { ...relayEnv(settings), TS_NODE_PROJECT: join(repoRoot, 'apps/relay/tsconfig.app.json'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  let waiters: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    pid: child.pid ?? -1,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    waitForOutput: (text, timeoutMs) =>
      new Promise<void>((resolveWait, reject) => {
        const check = () => {
          if (output.some((line) => line.includes(text))) {
            done();
            resolveWait();
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`relay process ${child.pid} did not print "${text}" within ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
        };
        waiters.push(check);
        check();
      }),
  };
}
