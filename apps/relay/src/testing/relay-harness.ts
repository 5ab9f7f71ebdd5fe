import { loadConfig } from '@ledger/platform';
import { createKafka } from '@ledger/messaging';
import { spawnAppProcess, type AppProcess } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { RelayConfig } from '../relay.config';
import { Relay } from '../relay/relay';
import { RelayMetrics } from '../relay/relay.metrics';

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
export function startRelay(settings: RelaySettings, options: { kafka?: Kafka } = {}): InProcessRelay {
  const config = loadConfig(RelayConfig, relayEnv(settings));
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 2 });
  pool.on('error', () => undefined);
  const registry = new Registry();
  const metrics = new RelayMetrics(registry);
  const kafka = options.kafka ?? createKafka('relay-test', settings.brokers);
  const relay = new Relay({ config, kafka, pool, metrics });
  relay.start();
  let stopped: Promise<void> | null = null;
  return {
    relay,
    metrics,
    registry,
    // Once: a test may stop a relay midway and its cleanup stop every relay it started.
    stop: () =>
      (stopped ??= (async () => {
        await relay.stop();
        await pool.end();
      })()),
  };
}

/** The real relay (main.ts) as a child process, so a test can kill -9 it. */
export function spawnRelayProcess(settings: RelaySettings): AppProcess {
  return spawnAppProcess({
    main: 'apps/relay/src/main.ts',
    tsconfig: 'apps/relay/tsconfig.app.json',
    env: { ...relayEnv(settings), LOG_LEVEL: 'info' },
  });
}
