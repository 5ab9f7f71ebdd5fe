import { EVENT_STORE_MIGRATIONS_TABLE, eventsInStreamOrder, eventStoreMigrations } from '@ledger/event-store';
import {
  AcknowledgementBook,
  checkConsistency,
  COMMAND_EVENT_TYPES,
  parseAcknowledgedCommand,
  type AcknowledgedCommand,
  type Difference,
} from '@ledger/read-model-operations';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import { accountsInIdOrder, readModelMigrations, transactionsInIdOrder } from '@ledger/read-model-schema';
import { DATABASE_ROLES } from '@ledger/platform';
import {
  asRole,
  createTestDatabase,
  eventually,
  mintToken,
  spawnAppProcess,
  testIssuerUrl,
  testPool,
  type AppProcess,
  type TestDatabase,
} from '@ledger/testing';
import { freePort } from '@ledger/tooling';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { runLoadCli } from './load.cli';
import type { LoadSummary } from './load.report';
import { LOAD_KINDS, TRANSFER_KINDS, type LoadKind } from './load.plan';

/** What one acknowledged request of each kind appends: an account command one event; a transfer one per stream it writes. */
const EVENTS_PER_ACKNOWLEDGED: Readonly<Record<LoadKind, number>> = {
  ...(Object.fromEntries(LOAD_KINDS.map((kind) => [kind, 1])) as Record<LoadKind, number>),
  transfer: 3, // TransferCompleted, TransferDebited, TransferCredited
  hold: 2, // PendingTransferPlaced, HoldPlaced
  post: 3, // PendingTransferPosted, HoldPosted, TransferCredited
  void: 2, // PendingTransferVoided, HoldReleased
};

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function load(argv: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLoadCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run load against the command app', () => {
  let database: TestDatabase;
  let pool: Pool;
  let app: AppProcess;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase([...eventStoreMigrations, ...readModelMigrations], EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(database.url, 2);
    dir = mkdtempSync(join(tmpdir(), 'ledger-load-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = spawnAppProcess({
      main: 'apps/command/src/main.ts',
      tsconfig: 'apps/command/tsconfig.app.json',
      env: {
        DATABASE_URL: asRole(database.url, DATABASE_ROLES.command),
        COMMAND_PORT: String(port),
        OIDC_ISSUER: testIssuerUrl(),
        LOG_LEVEL: 'warn',
      },
    });
    await eventually(
      async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200,
      120_000,
      'the command app ready',
      () => app.output.slice(-10),
    );
  }, 150_000);

  afterAll(async () => {
    app?.kill('SIGTERM');
    await app?.exited;
    rmSync(dir, { recursive: true, force: true });
    await pool?.end();
    await database?.drop();
  }, 30_000);

  it('given a short seeded load as the ledger-bench service (no --token), then the events of every acknowledged request are in the store once (transfers and holds included), retries replayed, stale If-Match refused', async () => {
    const ackLog = join(dir, 'acks.ndjson');
    const json = join(dir, 'load.json');

    const run = await load([
      '--rate',
      '40',
      '--duration',
      '6',
      '--seed',
      '42',
      '--accounts',
      '25',
      '--command-url',
      url,
      '--ack-log',
      ackLog,
      '--json',
      json,
    ]);

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as LoadSummary;
    expect(summary.sent).toBe(240);
    expect(summary).toMatchObject({ failed: 0, unknown: 0, unexpectedAnswers: 0, interrupted: false });
    expect(summary.acknowledged + summary.refused).toBe(summary.sent);
    // Each acknowledged request appended its events exactly once; a replayed retry appended none.
    const expectedEvents = LOAD_KINDS.reduce((n, kind) => n + summary.byKind[kind].acknowledged * EVENTS_PER_ACKNOWLEDGED[kind], 0);
    const accountCommands = summary.acknowledged - TRANSFER_KINDS.reduce((n, kind) => n + summary.byKind[kind].acknowledged, 0);
    for (const kind of TRANSFER_KINDS) expect(summary.byKind[kind].acknowledged).toBeGreaterThan(0);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`);
    expect(rows[0]?.n).toBe(expectedEvents);
    expect(summary.idempotentRetries.sent).toBeGreaterThan(0);
    expect(summary.idempotentRetries.mismatched).toBe(0);
    expect(summary.idempotentRetries.replayed).toBeGreaterThan(0);
    expect(summary.ifMatch.stale).toBeGreaterThan(0);
    expect(summary.ifMatch.staleRefused412).toBe(summary.ifMatch.stale);
    expect(summary.refusedByProblem['insufficient-funds']).toBeGreaterThan(0);
    expect(summary.latencyMs.count).toBe(summary.sent + summary.idempotentRetries.sent);
    expect(run.out).toMatch(/^Acknowledged \(2xx\): \d+\. Refused \(4xx\) by problem type: .*insufficient-funds \d+/m);
    expect(run.out).toContain('as ledger-bench (a token from');
    // Freezes and unfreezes need ledger:operate: the service's token has it.
    expect(summary.refusedByProblem).not.toHaveProperty('insufficient-scope');
    expect(summary.refusedByProblem).not.toHaveProperty('unauthenticated');
    const actors = await pool.query<{ actor: unknown }>(`SELECT DISTINCT metadata->'actor' AS actor FROM event_store.events`);
    expect(actors.rows).toEqual([{ actor: { sub: 'ledger-bench', clientId: 'ledger-bench' } }]);

    const acks = readFileSync(ackLog, 'utf8').trimEnd().split('\n').map(parseAcknowledgedCommand);
    expect(acks.filter((a) => typeof a === 'string')).toEqual([]);
    const acknowledged = acks as Extract<AcknowledgedCommand, { outcome: 'acknowledged' }>[];
    // The log names account commands only: a transfer is checked through its legs by verify.
    expect(acknowledged).toHaveLength(accountCommands);
    const stored = await pool.query<{ key: string; type: string; event_id: string }>(
      `SELECT stream_id || ':' || version AS key, type, event_id::text AS event_id FROM event_store.events`,
    );
    const byKey = new Map(stored.rows.map((row) => [row.key, row]));
    for (const ack of acknowledged) {
      expect(byKey.get(`${ack.accountId}:${ack.version}`)).toEqual({
        key: `${ack.accountId}:${ack.version}`,
        type: COMMAND_EVENT_TYPES[ack.kind],
        event_id: ack.eventId,
      });
    }

    // The log is what ledger verify --acks reads: once the store is projected, nothing is missing.
    const client = await pool.connect();
    try {
      // By stream, not in commit order: that reader waits for every transaction open on the shared server.
      const stored = [];
      for await (const event of eventsInStreamOrder(client, { batchSize: 1000 })) stored.push(event);
      await new ProjectionWriter({ projection: 'accounts' }).apply(client, stored.map(inputFromStore));
      const book = new AcknowledgementBook();
      acknowledged.forEach((ack) => book.add(ack));
      const differences: Difference[] = [];
      const options = { batchSize: 50 };
      const checked = await checkConsistency(
        {
          events: eventsInStreamOrder(client, options),
          accounts: accountsInIdOrder(client, options),
          transactions: transactionsInIdOrder(client, options),
          acknowledgements: book,
        },
        (d) => differences.push(d),
      );
      expect(differences).toEqual([]);
      expect(checked).toMatchObject({ acknowledgedCommands: accountCommands, events: expectedEvents });
    } finally {
      client.release();
    }
  }, 120_000);

  it('given --token, then every request carries it: a token of the wrong audience is refused, 401 unauthenticated, and nothing is stored', async () => {
    const before = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`);
    const token = await mintToken({ sub: 'load-spec', audience: 'not-the-ledger' });

    const run = await load(['--rate', '20', '--duration', '1', '--seed', '7', '--accounts', '5', '--command-url', url, '--token', token]);

    expect(run.code).toBe(0);
    expect(run.out).toContain('with the token given (--token)');
    expect(run.out).toMatch(/Refused \(4xx\) by problem type: unauthenticated 20\./);
    const after = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  }, 60_000);

  it('given no service at the URL, then it keeps going, counts every command as failed (connection refused) and exits 0', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;

    const run = await load(['--rate', '20', '--duration', '1', '--seed', '1', '--command-url', nowhere]);

    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Failed \(5xx or not sent\): connection-refused 20\./);
    expect(run.out).toMatch(/^ {2}all {8} {6}20 {7}0 {7}0 {6}20 {7}0$/m);
  }, 60_000);
});
