import { loadConfig } from '@ledger/platform';
import { decodeForProjection, ProjectionWriter, rawFromKafka, type BatchOutcome } from '@ledger/read-model-projection';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import {
  consumedAt,
  createTestDatabase,
  mintToken,
  startHttpApp,
  suiteObject,
  testIssuerUrl,
  testPool,
  type RunningHttpApp,
  type TestDatabase,
} from '@ledger/testing';
import type { Message } from 'kafkajs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Pool } from 'pg';
import { AppModule } from '../app.module';
import { setupOpenApi } from '../edge/open-api';
import { QueryConfig } from '../query.config';
import { ReadModelPool } from '../accounts/read-model.pool';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface QueryApp {
  readonly url: string;
  readonly pool: Pool;
  /** The app's own read-model pool, as its readers use it. */
  readonly readModel: ReadModelPool;
  /** Applies Kafka messages through the projector's writer, exactly as the projector does, in one batch. */
  project(messages: readonly Message[]): Promise<BatchOutcome>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  /** The `Authorization` header of the harness's own requests (an operator's token). */
  readonly authorization: string;
  /** A metric's value from the management port's /metrics (the first series whose labels contain `labels`). */
  /** Requests with `Authorization: Bearer <token>`. */
  as(token: string): { get(path: string, headers?: Record<string, string>): Promise<Reply> };
  /** A metric's value from /metrics (the first series whose labels contain `labels`). */
  metric(name: string, labels?: string): Promise<number>;
  close(): Promise<void>;
}

const TOPIC = 'account-events';
/** Whom the harness's requests come from unless a test sends its own `authorization`: an operator. */
export const HARNESS_SUBJECT = 'query-harness';
/** Suites send hundreds of requests as one caller; only the ones about the rate limit set one. */
const UNLIMITED_CALLERS = { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '10000000' };

export interface QueryAppOptions {
  /** The URL the app reaches its database by (e.g. through a proxy the test can cut); the writer always connects directly. */
  readonly reachDatabase?: (url: string) => string;
}

/** The query app on a fresh read-model database, with a writer to fill it as the projector would. */
export async function startQueryApp(env: Record<string, string> = {}, options: QueryAppOptions = {}): Promise<QueryApp> {
  const database: TestDatabase = await createTestDatabase(readModelMigrations, READ_MODEL_MIGRATIONS_TABLE);
  const appDatabaseUrl = options.reachDatabase?.(database.url) ?? database.url;
  const config = loadConfig(QueryConfig, {
    DATABASE_URL: appDatabaseUrl,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '5',
    OIDC_ISSUER: testIssuerUrl(),
    ...UNLIMITED_CALLERS,
    ...env,
  });
  const authorization = `Bearer ${await mintToken({ sub: HARNESS_SUBJECT, scope: 'ledger:read ledger:operate' }, config.OIDC_ISSUER)}`;
  const running: RunningHttpApp = await startHttpApp(AppModule.register(config), (app) => setupOpenApi(app, 'test', config.OIDC_ISSUER));
  const pool = testPool(database.url, 2);
  const writer = new ProjectionWriter({ projection: 'accounts' });
  let offset = 0;

  const get = (path: string, headers: Record<string, string> = {}) => send(running.url, path, { authorization, ...headers });
  return {
    url: running.url,
    pool,
    readModel: running.app.get(ReadModelPool),
    async project(messages) {
      const inputs = messages.map((message) => decodeForProjection(rawFromKafka(TOPIC, 0, consumedAt(message, offset++))));
      const client = await pool.connect();
      try {
        return await writer.apply(client, inputs);
      } finally {
        client.release();
      }
    },
    get,
    authorization,
    as: (token) => ({ get: (path, headers = {}) => get(path, { ...headers, authorization: `Bearer ${token}` }) }),
    async metric(name, labels = '') {
      const text = (await send(running.managementUrl, '/metrics')).text;
      const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async close() {
      await running.close();
      await pool.end();
      await database.drop();
    },
  };
}

/** The query app of the enclosing describe: started before its tests, closed after them. */
export function queryAppSuite(env: Record<string, string> = {}): QueryApp {
  return suiteObject(
    'the query app',
    () => startQueryApp(env),
    (app) => app.close(),
  );
}

/** Raw node:http, so the test controls the path and headers byte for byte (fetch normalises some). */
export function send(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'GET', headers });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = undefined;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export { eventually } from '@ledger/testing';
