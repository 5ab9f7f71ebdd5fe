import { loadConfig } from '@ledger/platform';
import { spawnAppProcess, startHttpApp, type AppProcess, type RunningHttpApp } from '@ledger/testing';
import { AppModule } from '../app.module';
import { connectPartitionBatches } from '../kafka/kafka-batch.transport';
import { ProjectorConfig } from '../projector.config';

export interface ProjectorSettings {
  readonly databaseUrl: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** Any other ProjectorConfig variable, as the environment would give it. */
  readonly env?: Record<string, string>;
}

/** Settings that keep tests quick: short backoff and sampling, a dead-letter topic beside the suite's topic. */
export function projectorEnv(settings: ProjectorSettings): Record<string, string> {
  return {
    DATABASE_URL: settings.databaseUrl,
    DATABASE_POOL_SIZE: '8',
    KAFKA_BROKERS: settings.brokers.join(','),
    KAFKA_TOPIC: settings.topic,
    KAFKA_DLQ_TOPIC: `${settings.topic}.dlq`,
    PROJECTOR_GROUP_ID: settings.groupId,
    PROJECTOR_PORT: '0',
    PROJECTOR_BACKOFF_INITIAL_MS: '50',
    PROJECTOR_BACKOFF_MAX_MS: '500',
    PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    PROJECTOR_DLQ_SWEEP_INTERVAL_MS: '1000',
    PROJECTOR_METRICS_SAMPLE_INTERVAL_MS: '200',
    LOG_LEVEL: 'silent',
    ...settings.env,
  };
}

export interface InProcessProjector extends RunningHttpApp {
  /** The Prometheus text of /metrics. */
  metrics(): Promise<string>;
}

/** The whole app in this process (HTTP edge included), as main.ts builds it. */
export async function startProjector(settings: ProjectorSettings): Promise<InProcessProjector> {
  const config = loadConfig(ProjectorConfig, projectorEnv(settings));
  const running = await startHttpApp(AppModule.register(config), connectPartitionBatches);
  await running.app.startAllMicroservices();
  return { ...running, metrics: async () => (await fetch(`${running.managementUrl}/metrics`)).text() };
}

/** The real projector (main.ts) as a child process, so a test can kill -9 it. */
export function spawnProjector(settings: ProjectorSettings): AppProcess {
  return spawnAppProcess({
    main: 'apps/projector/src/main.ts',
    tsconfig: 'apps/projector/tsconfig.app.json',
    env: { ...projectorEnv(settings), LOG_LEVEL: 'info' },
  });
}

/** A sample's value from Prometheus text, e.g. `metricValue(text, 'ledger_projector_consumer_lag_messages', { partition: '0' })`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}
