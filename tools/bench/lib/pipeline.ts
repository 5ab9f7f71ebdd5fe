import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, startChildApp, type ChildApp } from './child-app';

const ROOT = join(__dirname, '..', '..', '..');
const APPS = ['command', 'relay', 'projector', 'query'] as const;
type AppName = (typeof APPS)[number];

const PORT_VARIABLES: Record<AppName, string> = {
  command: 'COMMAND_PORT',
  relay: 'RELAY_PORT',
  projector: 'PROJECTOR_PORT',
  query: 'QUERY_PORT',
};

export type Pipeline = Readonly<Record<AppName, ChildApp>> & { stop(): Promise<void> };

function nx(args: readonly string[], what: string): void {
  const run = spawnSync('npx', ['nx', ...args], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status})`);
}

export function buildApps(): void {
  process.stdout.write('building the four apps (nx run-many -t build)...\n');
  nx(['run-many', '-t', 'build', '-p', ...APPS], 'nx build');
}

function migrate(app: AppName, env: NodeJS.ProcessEnv): void {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', app, 'main.js'), 'migrate'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`${app} migrate failed (exit ${run.status})`);
}

/**
 * The four built apps as separate processes, as `npm start` runs them, on one fresh database and a
 * topic and consumer group of their own, so a run never reads another run's messages.
 */
export async function startPipeline(options: {
  readonly databaseUrl: string;
  readonly brokers: string;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<Pipeline> {
  const suffix = randomBytes(4).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.brokers,
    KAFKA_TOPIC: `bench-account-events-${suffix}`,
    KAFKA_DLQ_TOPIC: `bench-account-events-${suffix}.dlq`,
    PROJECTOR_GROUP_ID: `bench-projector-${suffix}`,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  migrate('command', env);
  migrate('projector', env);
  const started: Partial<Record<AppName, ChildApp>> = {};
  try {
    for (const app of APPS) {
      const port = await freePort();
      started[app] = await startChildApp({
        main: join(ROOT, 'dist', 'apps', app, 'main.js'),
        port,
        env: { ...env, [PORT_VARIABLES[app]]: String(port) },
        readyPath: '/health/ready',
        timeoutMs: 60_000,
      });
    }
  } catch (error) {
    await Promise.all(Object.values(started).map((app) => app.stop()));
    throw error;
  }
  const apps = started as Record<AppName, ChildApp>;
  return {
    ...apps,
    // Producers first, so nothing is left half-written behind a stopped consumer.
    stop: async () => {
      for (const app of APPS) await apps[app].stop();
    },
  };
}
