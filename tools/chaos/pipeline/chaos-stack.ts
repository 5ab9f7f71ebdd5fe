import { join } from 'node:path';
import { DATABASE_ROLES } from '@ledger/platform';
import { asRole } from '@ledger/testing';
import { ChaosIssuer } from '../infra/chaos-issuer.server';
import { ChaosKafka } from '../infra/chaos-kafka.broker';
import { freePort, PostgresServer, startProcess } from '@ledger/tooling';
import { repoRoot } from '../infra/repo-paths';
import { AppReplica, builtMain, describeExit, type AppName } from './app-replica';
import type { RunJournal } from './run-journal';

export const TOPIC = 'account-events';
export const PROJECTOR_GROUP = 'ledger-projector';

/**
 * The apps' settings for a chaos run: small pools (six processes share one server), quick relay
 * failover and lag samples, and a projector session timeout at its minimum so that a killed
 * replica's partitions move on within seconds.
 */
function appEnv(databaseUrl: string, brokers: string, issuer: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    OIDC_ISSUER: issuer,
    KAFKA_TOPIC: TOPIC,
    PROJECTOR_GROUP_ID: PROJECTOR_GROUP,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DATABASE_POOL_SIZE: '6',
    RELAY_LEADER_RETRY_MS: '250',
    RELAY_LAG_SAMPLE_INTERVAL_MS: '250',
    RELAY_BACKOFF_MAX_MS: '2000',
    PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    PROJECTOR_BACKOFF_MAX_MS: '2000',
    PROJECTOR_METRICS_SAMPLE_INTERVAL_MS: '1000',
  };
}

/**
 * Its own PostgreSQL, Kafka broker and OpenID Connect issuer, and the four built apps (a second relay
 * and projector on call), each app as its own database role; the migrations run as the server's admin.
 */
export class ChaosStack {
  postgres: PostgresServer | undefined;
  kafka: ChaosKafka | undefined;
  issuer: ChaosIssuer | undefined;
  readonly replicas = new Map<string, AppReplica>();

  constructor(
    private readonly runDir: string,
    private readonly journal: RunJournal,
  ) {}

  get logsDir(): string {
    return join(this.runDir, 'logs');
  }

  replica(name: string): AppReplica {
    const replica = this.replicas.get(name);
    if (replica === undefined) throw new Error(`no replica ${name}`);
    return replica;
  }

  async start(): Promise<void> {
    const [postgres, kafka, issuer] = await Promise.all([
      // Six app processes with small pools, the load's checks and verify fit comfortably.
      PostgresServer.create({ logDir: join(this.runDir, 'postgres'), maxConnections: 200 }),
      ChaosKafka.create(join(this.runDir, 'kafka')),
      ChaosIssuer.create(),
    ]);
    this.postgres = postgres;
    this.kafka = kafka;
    this.issuer = issuer;
    const [postgresPid, kafkaPid, issuerPid] = await Promise.all([
      postgres.start(),
      kafka.start(),
      issuer.start(join(this.logsDir, 'oidc-issuer.log')),
    ]);
    this.journal.note(
      `postgres pid ${postgresPid} on port ${postgres.port}; kafka pid ${kafkaPid} on ${kafka.brokers}; issuer pid ${issuerPid} at ${issuer.url}`,
    );
    const env = appEnv(postgres.url(), kafka.brokers, issuer.url);
    for (const app of ['command', 'projector'] as const) await this.migrate(app, env);
    const replicas: readonly [AppName, number][] = [
      ['command', 1],
      ['query', 1],
      ['relay', 1],
      ['relay', 2],
      ['projector', 1],
      ['projector', 2],
    ];
    for (const [app, index] of replicas) {
      const name = `${app}-${index}`;
      const replicaEnv = { ...env, DATABASE_URL: asRole(postgres.url(), DATABASE_ROLES[app]) };
      this.replicas.set(name, new AppReplica(app, name, await freePort(), await freePort(), replicaEnv, this.logsDir, this.journal));
    }
    const first = ['command-1', 'query-1', 'relay-1', 'projector-1'].map((name) => this.replica(name));
    const pids = await Promise.all(first.map((replica) => replica.start()));
    this.journal.note(`apps ready: ${first.map((replica, i) => `${replica.name} pid ${pids[i]} port ${replica.port}`).join(', ')}`);
  }

  /** Apps first (they would only log the servers' absence), then the broker and the database. */
  async stop(): Promise<void> {
    await Promise.all([...this.replicas.values()].map((replica) => replica.stop().catch(() => undefined)));
    await Promise.all([this.kafka?.stop(), this.postgres?.remove(), this.issuer?.stop()]);
  }

  private async migrate(app: AppName, env: NodeJS.ProcessEnv): Promise<void> {
    const logFile = join(this.logsDir, `${app}-migrate.log`);
    const exit = await startProcess(process.execPath, [builtMain(app), 'migrate'], { env, logFile, cwd: repoRoot }).exited;
    if (exit.code !== 0) throw new Error(`${app} migrate failed (${describeExit(exit)}), see ${logFile}`);
  }
}
