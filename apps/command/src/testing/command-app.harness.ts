import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations } from '@ledger/event-store';
import { backoffDelay, loadConfig, sleep } from '@ledger/platform';
import { createTestDatabase, mintToken, startHttpApp, suiteResource, TestDatabase, testIssuerUrl, testPool } from '@ledger/testing';
import { AppModule } from '../app.module';
import { CommandConfig } from '../command.config';
import { setupOpenApi } from '../edge/open-api';

/** Suites send hundreds of requests as one caller; only the ones about the rate limit set one. */
const UNLIMITED_CALLERS = { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '10000000' };

export interface CommandAppHarness {
  readonly nest: NestFastifyApplication;
  readonly baseUrl: string;
  /** The management listener: `/metrics`, readiness details. */
  readonly managementUrl: string;
  readonly databaseUrl: string;
  /** A direct connection to the test database, to check what was (not) appended. */
  readonly db: Pool;
  /** The `Authorization` header of the harness's own requests (an operator's token). */
  readonly authorization: string;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** The app as the holder of `token` sees it: each request carries it as its bearer token. */
  as(token: string): Pick<CommandAppHarness, 'post'>;
  /** The app as a client sending this `Authorization` header verbatim sees it; `null`: none at all. */
  withAuthorization(authorization: string | null): Pick<CommandAppHarness, 'post'>;
  close(): Promise<void>;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** Whom the harness's requests come from unless a test sends its own `authorization`: an operator. */
export const HARNESS_SUBJECT = 'command-harness';
const ALL_SCOPES = 'ledger:read ledger:write ledger:operate';

/**
 * The real command app on a fresh migrated database, listening on an ephemeral port. Given
 * `sharedWith`, a second replica on that app's database instead.
 */
export async function startCommandApp(env: Record<string, string> = {}, sharedWith?: CommandAppHarness): Promise<CommandAppHarness> {
  const database: TestDatabase = sharedWith
    ? { url: sharedWith.databaseUrl, drop: async () => undefined }
    : await createTestDatabase(eventStoreMigrations, EVENT_STORE_MIGRATIONS_TABLE);
  const config = loadConfig(CommandConfig, {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    OIDC_ISSUER: testIssuerUrl(),
    ...UNLIMITED_CALLERS,
    ...env,
  });
  const {
    app,
    url: baseUrl,
    managementUrl,
  } = await startHttpApp(AppModule.register(config), (app) => setupOpenApi(app, 'test', config.OIDC_ISSUER));
  const db = testPool(database.url, 2);
  const authorization = `Bearer ${await mintToken({ sub: HARNESS_SUBJECT, scope: ALL_SCOPES }, config.OIDC_ISSUER)}`;
  return {
    nest: app,
    baseUrl,
    managementUrl,
    databaseUrl: database.url,
    db,
    authorization,
    post: (path, body, headers = {}) => post(`${baseUrl}${path}`, body, { authorization, ...headers }),
    as: (token) => ({
      post: (path, body, headers = {}) => post(`${baseUrl}${path}`, body, { authorization: `Bearer ${token}`, ...headers }),
    }),
    withAuthorization: (value) => ({
      post: (path, body, headers = {}) =>
        post(`${baseUrl}${path}`, body, { ...(value === null ? {} : { authorization: value }), ...headers }),
    }),
    close: async () => {
      await app.close();
      await db.end();
      await database.drop();
    },
  };
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<HttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function countEvents(db: Pool, streamId?: string): Promise<number> {
  const { rows } = streamId
    ? await db.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1', [streamId])
    : await db.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events');
  return Number(rows[0]?.n ?? 0);
}

export async function versionsOf(db: Pool, streamId: string): Promise<number[]> {
  const { rows } = await db.query<{ version: string }>('SELECT version FROM event_store.events WHERE stream_id = $1 ORDER BY version', [
    streamId,
  ]);
  return rows.map((row) => Number(row.version));
}

/** What a client does with a 409 concurrency-conflict: wait a little, then send the same request (same ids) again. */
export async function untilNotConflicted(send: () => Promise<HttpResult>): Promise<HttpResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await send();
    const conflicted = result.status === 409 && String(result.body['type']).endsWith('/concurrency-conflict');
    if (!conflicted || attempt === 50) return result;
    await sleep(backoffDelay(attempt, { initialMs: 5, maxMs: 200 }));
  }
}

export interface TwoReplicas {
  readonly app: CommandAppHarness;
  /** A second replica on the same database: its commands race the first's in Postgres, not in memory. */
  readonly replica: CommandAppHarness;
  close(): Promise<void>;
}

/** Two replicas on one fresh database; `env` applies to both (e.g. COMMAND_ACCOUNT_QUEUE: 'off'). */
export async function startTwoReplicas(env: Record<string, string> = {}): Promise<TwoReplicas> {
  const app = await startCommandApp(env);
  const replica = await startCommandApp(env, app);
  return {
    app,
    replica,
    close: async () => {
      await replica.close();
      await app.close();
    },
  };
}

/** The command app for the enclosing describe: started before its tests, closed after them. */
export function commandAppSuite(): CommandAppHarness {
  return harnessWhenStarted(
    suiteResource(
      'the command app',
      () => startCommandApp(),
      (app) => app.close(),
    ),
  );
}

/** Two replicas on one database for the enclosing describe: started before its tests, closed after them. */
export function twoReplicasSuite(env: Record<string, string> = {}): TwoReplicas {
  const current = suiteResource(
    'the replicas',
    () => startTwoReplicas(env),
    (replicas) => replicas.close(),
  );
  return {
    app: harnessWhenStarted(() => current().app),
    replica: harnessWhenStarted(() => current().replica),
    close: () => current().close(),
  };
}

/** A harness that reads through to the one `started` gives once the suite's beforeAll has run. */
function harnessWhenStarted(started: () => CommandAppHarness): CommandAppHarness {
  return {
    get nest() {
      return started().nest;
    },
    get baseUrl() {
      return started().baseUrl;
    },
    get managementUrl() {
      return started().managementUrl;
    },
    get databaseUrl() {
      return started().databaseUrl;
    },
    get db() {
      return started().db;
    },
    get authorization() {
      return started().authorization;
    },
    post: (path, body, headers) => started().post(path, body, headers),
    as: (token) => started().as(token),
    withAuthorization: (authorization) => started().withAuthorization(authorization),
    close: () => started().close(),
  };
}
