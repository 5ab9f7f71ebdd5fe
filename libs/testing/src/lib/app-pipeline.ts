import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_ROLES, required } from '@ledger/platform';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '@ledger/tooling';
import { startChildApp, type ChildApp } from './built-app.process';
import { asRole } from './test-database';
import { testIssuerUrl } from './test-issuer';

const repoRoot = resolve(__dirname, '../../../..');

/** The four apps in the order they start: producers before consumers, the query service last. */
export const PIPELINE_APPS = ['command', 'relay', 'projector', 'query'] as const;
export type PipelineApp = (typeof PIPELINE_APPS)[number];

const PORT_VARIABLES: Record<PipelineApp, string> = {
  command: 'COMMAND_PORT',
  relay: 'RELAY_PORT',
  projector: 'PROJECTOR_PORT',
  query: 'QUERY_PORT',
};

/** The apps that own migrations, run with `main.js migrate` before anything starts (as `npm start` does). */
const MIGRATING_APPS: readonly PipelineApp[] = ['command', 'projector'];

export interface PipelineAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Node's own flags for this app, e.g. `--cpu-prof --cpu-prof-dir=...`. */
  readonly nodeArgs?: readonly string[];
  /** The app's output goes through this command's stdin (see ChildAppOptions.outputThrough). */
  readonly outputThrough?: readonly string[];
}

export interface PipelineOptions {
  readonly databaseUrl: string;
  readonly brokers: string;
  /** Names the run's topic and consumer group, e.g. `bench` gives `bench-account-events-<random>`. */
  readonly namePrefix: string;
  /** Extra environment for every app (log level, tuning knobs). */
  readonly env?: NodeJS.ProcessEnv;
  readonly apps?: Partial<Record<PipelineApp, PipelineAppOptions>>;
  /** Each app's stdout and stderr go to `<logDir>/<app>.log`; without it stderr is passed through. */
  readonly logDir?: string;
  readonly readyTimeoutMs?: number;
  /** Run the apps of another build (its `dist` directory) instead of this workspace's. */
  readonly distDir?: string;
  /** Leave the run's topics on the broker after `stop()` (they are deleted by default). */
  readonly keepTopics?: boolean;
}

export type Pipeline = Readonly<Record<PipelineApp, ChildApp>> & {
  readonly topic: string;
  readonly groupId: string;
  /**
   * Stops `app` and starts it again, with `env` over the pipeline's own (`{}`: as it first started),
   * on the same database, topic and consumer group; the pipeline's `app` is the new process from then on.
   */
  restart(app: PipelineApp, env: NodeJS.ProcessEnv): Promise<ChildApp>;
  stop(): Promise<void>;
};

/** Where `nx build <app>` puts the app (under `distDir`: another build's output, e.g. a baseline's). */
export function builtAppMain(app: PipelineApp, distDir = join(repoRoot, 'dist')): string {
  return join(distDir, 'apps', app, 'main.js');
}

/** `nx run-many -t build` for the four apps (benchmarks; the system suite gets them from its target's dependsOn). */
export function buildPipelineApps(): void {
  const run = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...PIPELINE_APPS], {
    cwd: repoRoot,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`nx build of the four apps failed (exit ${run.status})`);
}

/** Fails with the command that fixes it when an app has not been built. */
export function assertPipelineBuilt(): void {
  const missing = PIPELINE_APPS.filter((app) => !existsSync(builtAppMain(app)));
  if (missing.length > 0) {
    throw new Error(
      `not built: ${missing.map((app) => builtAppMain(app)).join(', ')}; run npx nx run-many -t build -p ${PIPELINE_APPS.join(' ')}`,
    );
  }
}

function migrate(main: string, app: PipelineApp, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolveMigrate, reject) => {
    const child = spawn(process.execPath, [main, 'migrate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolveMigrate() : reject(new Error(`${app} migrate failed (exit ${code ?? signal})`)),
    );
  });
}

/** Best effort: a broker that refuses leaves a topic behind, never a failed run. */
async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'ledger-pipeline', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // already gone, or the broker is down: nothing to clean
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The four built apps as separate processes, started the way `npm start` starts them (migrations
 * first, as the given URL's user, then `node dist/apps/<app>/main.js`, each as its own database role,
 * trusting the stack's issuer, testIssuerUrl(), unless `env` names another), on the given fresh database and a topic and consumer
 * group of their own, so a run never reads another run's messages.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const suffix = randomBytes(4).toString('hex');
  const topic = `${options.namePrefix}-account-events-${suffix}`;
  const groupId = `${options.namePrefix}-projector-${suffix}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.brokers,
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    PROJECTOR_GROUP_ID: groupId,
    LOG_LEVEL: 'warn',
    // command and query refuse to boot without an issuer to trust: the stack's, unless the caller names one.
    OIDC_ISSUER: testIssuerUrl(),
    ...options.env,
  };
  if (options.logDir !== undefined) mkdirSync(options.logDir, { recursive: true });
  await Promise.all(MIGRATING_APPS.map((app) => migrate(builtAppMain(app, options.distDir), app, { ...env, ...options.apps?.[app]?.env })));
  const started: Partial<Record<PipelineApp, ChildApp>> = {};
  const restarts: Partial<Record<PipelineApp, number>> = {};
  const logFileOf = (app: PipelineApp) => {
    if (options.logDir === undefined) return undefined;
    const restart = restarts[app] ?? 0;
    return join(options.logDir, restart === 0 ? `${app}.log` : `${app}.restart-${restart}.log`);
  };
  const start = async (app: PipelineApp, restartEnv: NodeJS.ProcessEnv = {}) => {
    const port = await freePort();
    started[app] = await startChildApp({
      main: builtAppMain(app, options.distDir),
      port,
      env: {
        ...env,
        // Each app as its own role, with only its grants (the migrations above ran as the given URL's user).
        DATABASE_URL: asRole(required(env['DATABASE_URL'], 'DATABASE_URL'), DATABASE_ROLES[app]),
        ...options.apps?.[app]?.env,
        ...restartEnv,
        [PORT_VARIABLES[app]]: String(port),
      },
      nodeArgs: options.apps?.[app]?.nodeArgs,
      outputThrough: options.apps?.[app]?.outputThrough,
      readyPath: '/health/ready',
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      logFile: logFileOf(app),
    });
  };
  try {
    // Booting is CPU-bound: the apps boot side by side, except the projector, which waits for the
    // relay to have created the topic (else it backs off, and its first batch comes seconds late).
    const results = await Promise.allSettled(PIPELINE_APPS.filter((app) => app !== 'projector').map((app) => start(app)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await start('projector');
  } catch (error) {
    await Promise.all(Object.values(started).map((app) => app.stop()));
    throw error;
  }
  const apps = started as Record<PipelineApp, ChildApp>;
  return {
    get command() {
      return apps.command;
    },
    get relay() {
      return apps.relay;
    },
    get projector() {
      return apps.projector;
    },
    get query() {
      return apps.query;
    },
    topic,
    groupId,
    restart: async (app, restartEnv) => {
      await apps[app].stop();
      restarts[app] = (restarts[app] ?? 0) + 1;
      await start(app, restartEnv);
      return apps[app];
    },
    // Producers first, so nothing is left half-written behind a stopped consumer.
    stop: async () => {
      for (const app of PIPELINE_APPS) await apps[app].stop();
      if (options.keepTopics !== true) await deleteTopics(options.brokers, [topic, `${topic}.dlq`]);
    },
  };
}
