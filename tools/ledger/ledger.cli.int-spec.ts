import { encodeEvent, type AccountEvent } from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations, PostgresEventStore } from '@ledger/event-store';
import { toEnvelope, toKafkaMessage } from '@ledger/messaging';
import { required } from '@ledger/platform';
import { decodeForProjection, ProjectionWriter, rawFromKafka } from '@ledger/read-model-projection';
import { readModelMigrations } from '@ledger/read-model-schema';
import { AccountHistory, consumedAt, createTestDatabase, testPool, type TestDatabase } from '@ledger/testing';
import { TYPESCRIPT_NODE_ARGS } from '@ledger/tooling';
import type { Message } from 'kafkajs';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { runLedger } from './ledger.cli';
import type { Terminal } from './ledger.output';

const root = join(__dirname, '..', '..');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

describe('npm run ledger against PostgreSQL', () => {
  let database: TestDatabase;
  let pool: Pool;
  let offset = 0;
  const writer = new ProjectionWriter({ projection: 'accounts' });

  beforeAll(async () => {
    database = await createTestDatabase([...eventStoreMigrations, ...readModelMigrations], EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(database.url, 4);
  }, 30_000);

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  async function ledger(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const terminal: Terminal = { isTty: false, columns: 80, out: (t) => out.push(t), err: (t) => err.push(t) };
    const code = await runLedger(argv, terminal, { DATABASE_URL: database.url, USER: 'carol', ...env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  async function deliver(messages: readonly Message[]): Promise<void> {
    const inputs = messages.map((m) => decodeForProjection(rawFromKafka('account-events', 3, consumedAt(m, offset++))));
    const client = await pool.connect();
    try {
      await writer.apply(client, inputs);
    } finally {
      client.release();
    }
  }

  const poison = (accountId: string): Message => ({ key: accountId, value: Buffer.from('{"not": "an envelope"}') });
  const performers = async (target: string) =>
    (await pool.query(`SELECT action, outcome, performed_by FROM read_model.operator_actions WHERE target = $1 ORDER BY id`, [target]))
      .rows;

  it('given nothing went wrong, then the listings say so', async () => {
    expect(await ledger(['dead-letters'])).toEqual({ code: 0, out: 'No dead letters.', err: '' });
    expect(await ledger(['parked'])).toEqual({ code: 0, out: 'No parked accounts.', err: '' });
    expect(await ledger(['parked', '--json'])).toEqual({ code: 0, out: '[]', err: '' });
  });

  it('given a parked account, then the listings show it and its dead letter, as a table and as JSON', async () => {
    const history = new AccountHistory({ deposits: 2 });
    await deliver([...history.messages([1]), poison(history.accountId), ...history.messages([2, 3])]);

    const table = await ledger(['dead-letters', '--account', history.accountId]);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^\s*ID\s+ACCOUNT\s+VER\s+STATUS\s+PARKS\s+TRIES\s+CREATED\s+ERROR$/);
    expect(table.out).toContain(history.accountId);
    expect(table.out).toMatch(/open\s+yes\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+undecodable message/);

    const json = JSON.parse((await ledger(['dead-letters', '--account', history.accountId, '--json'])).out);
    expect(json).toEqual([expect.objectContaining({ accountId: history.accountId, status: 'open', parksAccount: true, attempts: 1 })]);
    expect(json[0].error).toMatch(/undecodable/);

    const parked = JSON.parse((await ledger(['parked', '--json'])).out);
    expect(parked).toContainEqual(
      expect.objectContaining({ accountId: history.accountId, heldEvents: 2, version: 1, deadLetterId: json[0].id }),
    );
    expect((await ledger(['parked'])).out).toMatch(new RegExp(`${history.accountId}\\s+1\\s+2\\s+${json[0].id}\\s`));
  });

  it('given a still-poison dead letter, then redrive says the account is parked again and exits 3; skip then unparks it', async () => {
    const history = new AccountHistory({ deposits: 2 });
    await deliver([...history.messages([1]), poison(history.accountId), ...history.messages([2, 3])]);

    const redriven = await ledger(['redrive', history.accountId]);
    expect(redriven.code).toBe(3);
    expect(redriven.out).toMatch(new RegExp(`^Account ${history.accountId} is parked again, behind dead letter \\d+: undecodable`));

    const [deadLetter] = JSON.parse((await ledger(['dead-letters', '--account', history.accountId, '--json'])).out);
    const skipped = await ledger(['skip', deadLetter.id, '--actor', 'dave', '--json']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.out)).toMatchObject({
      action: 'skip',
      kind: 'unparked',
      accountId: history.accountId,
      applied: 2,
      version: 3,
    });

    const again = await ledger(['skip', deadLetter.id]);
    expect(again).toMatchObject({ code: 0, out: `Dead letter ${deadLetter.id} is already skipped: nothing to skip.` });
    expect(await ledger(['redrive', history.accountId])).toMatchObject({
      code: 0,
      out: `Account ${history.accountId} is not parked: nothing to redrive.`,
    });
    expect(await performers(history.accountId)).toEqual([
      { action: 'redrive', outcome: 're-parked', performed_by: 'carol' },
      { action: 'redrive', outcome: 'not-parked', performed_by: 'carol' },
    ]);
    expect(await performers(deadLetter.id)).toEqual([
      { action: 'skip', outcome: 'unparked', performed_by: 'dave' },
      { action: 'skip', outcome: 'not-open', performed_by: 'carol' },
    ]);
  });

  it('given an account parked by a gap, then heal restores it from the event store', async () => {
    const accountId = randomUUID();
    const store = new PostgresEventStore(pool, { notify: false });
    const events: AccountEvent[] = [
      {
        type: 'AccountOpened',
        data: { accountId, owner: 'Eve', ownerId: null, currency: 'EUR', initialDeposit: 10n, balanceAfter: 10n, openedAt: new Date() },
      },
      { type: 'MoneyDeposited', data: { accountId, amount: 5n, balanceAfter: 15n, depositedAt: new Date() } },
      { type: 'MoneyWithdrawn', data: { accountId, amount: 3n, balanceAfter: 12n, withdrawnAt: new Date() } },
    ];
    const appended = await store.append({
      streamId: accountId,
      expectedVersion: 0,
      events: events.map((e) => ({
        ...encodeEvent(e),
        eventId: randomUUID(),
        metadata: { correlationId: 'c', causationId: null },
        occurredAt: new Date(),
      })),
    });
    if (appended.kind !== 'appended') throw new Error(appended.kind);
    const gapped = [1, 3].map((version) => required(appended.events[version - 1], `appended version ${version}`));
    await deliver(gapped.map((e) => toKafkaMessage(toEnvelope(e))));

    const healed = await ledger(['heal', accountId]);

    expect(healed.code).toBe(0);
    expect(healed.out).toBe(
      `Healed account ${accountId} from the event store: 3 events, now at version 3; unparked, 0 held events discarded, 1 dead letter marked healed.`,
    );
    const { rows } = await pool.query(`SELECT version::int, balance::text FROM read_model.accounts WHERE account_id = $1`, [accountId]);
    expect(rows).toEqual([{ version: 3, balance: '12' }]);
    expect(await performers(accountId)).toEqual([{ action: 'heal', outcome: 'healed', performed_by: 'carol' }]);
  });

  it('given targets that do not exist, then it says so and exits 3', async () => {
    const accountId = randomUUID();
    expect(await ledger(['heal', accountId])).toMatchObject({ code: 3, out: expect.stringMatching(/nothing to heal/) });
    expect(await ledger(['skip', '999999'])).toMatchObject({ code: 3, out: 'There is no dead letter 999999.' });
  });

  it('given bad arguments, then usage on stderr, exit 2, and nothing touches the database', async () => {
    const before = (await pool.query(`SELECT count(*)::int AS n FROM read_model.operator_actions`)).rows[0].n;
    const run = await ledger(['redrive', 'robert"); DROP TABLE read_model.accounts;--'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^ledger: <account> must be an account id[\s\S]*Usage: npm run ledger -- redrive <account \| transfer-<id>>/);
    expect((await pool.query(`SELECT count(*)::int AS n FROM read_model.operator_actions`)).rows[0].n).toBe(before);
  });

  it('given a malformed environment, then exit 78 naming the setting', async () => {
    const run = await ledger(['parked'], { DATABASE_URL: 'mysql://db/ledger' });
    expect(run).toMatchObject({ code: 78, out: '' });
    expect(run.err).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect((await ledger(['parked'], { EVENT_STORE_DATABASE_URL: 'http://x' })).err).toMatch(/EVENT_STORE_DATABASE_URL/);
  });

  it('given a database that cannot be reached, then exit 1 with the error', async () => {
    const run = await ledger(['parked'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/ledger' });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^ledger parked: .*(ECONNREFUSED|connect)/);
  });

  it('runs as `npm run ledger` does, from the TypeScript sources', async () => {
    const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [...TYPESCRIPT_NODE_ARGS, 'tools/ledger/ledger.cli.ts', 'dead-letters', '--status', 'skipped', '--json'],
        // A clean environment, as a shell has: the test runner's own must not leak in.
        { cwd: root, env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url }, timeout: 90_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual([expect.objectContaining({ status: 'skipped' })]);
  }, 120_000);
});
