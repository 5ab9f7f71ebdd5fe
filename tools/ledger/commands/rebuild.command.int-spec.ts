import { COMMIT_ORIGIN, eventStoreMigrations, PostgresEventStore, readCommittedBatch } from '@ledger/event-store';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { AccountTraffic, createTestDatabase, eventually, testPool, type TestDatabase } from '@ledger/testing';
import type { Pool } from 'pg';
import { EXIT } from '../exit-codes';
import type { Terminal } from '../ledger.output';
import { rebuildCommand, type ProgressLine } from './rebuild.command';

function capture(): Terminal & { readonly output: string[]; readonly errors: string[] } {
  const output: string[] = [];
  const errors: string[] = [];
  return { isTty: false, columns: 120, output, errors, out: (text) => void output.push(text), err: (text) => void errors.push(text) };
}

const quiet: ProgressLine = { show: () => undefined, done: () => undefined };

/**
 * The committed read stops below the oldest transaction still running anywhere in the cluster (another
 * suite's, say): wait until every stored event is past that horizon, so the rebuild can see them all.
 */
async function untilVisible(pool: Pool): Promise<number> {
  const stored = Number((await pool.query(`SELECT count(*) FROM event_store.events`)).rows[0].count);
  const client = await pool.connect();
  try {
    await eventually(
      async () => (await readCommittedBatch(client, COMMIT_ORIGIN, stored)).length >= stored,
      30_000,
      'stored events visible to the committed read',
    );
  } finally {
    client.release();
  }
  return stored;
}

describe('ledger rebuild', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase([...eventStoreMigrations, ...readModelMigrations], READ_MODEL_MIGRATIONS_TABLE);
    pool = testPool(database.url, 4);
    const store = new PostgresEventStore(pool, { notify: false });
    const traffic = new AccountTraffic();
    for (let i = 0; i < 20; i++) {
      const open = traffic.openAccount();
      let append = open;
      for (let acts = 0; acts <= 2; acts++) {
        const result = await store.append({ ...append, events: [...append.events] });
        expect(result.kind).toBe('appended');
        if (!traffic.isOpen(open.streamId)) break;
        append = traffic.act(open.streamId);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('given a store, when run with --json, then the read model is rebuilt and the result printed and recorded', async () => {
    const stored = await untilVisible(pool);
    const terminal = capture();
    const shown: string[] = [];

    const code = await rebuildCommand(
      ['--json', '--actor', 'ops on call', '--batch', '100'],
      terminal,
      { DATABASE_URL: database.url },
      {
        show: (p) => void shown.push(p.phase),
        done: () => undefined,
      },
    );

    expect({ code, errors: terminal.errors }).toEqual({ code: EXIT.ok, errors: [] });
    const printed = JSON.parse(terminal.output.join('\n'));
    expect(printed).toMatchObject({ action: 'rebuild', events: stored, accounts: 20, unappliableEvents: 0, oldTablesDropped: true });
    expect(shown).toEqual(expect.arrayContaining(['load', 'index', 'catch-up', 'swap', 'done']));
    const rows = await pool.query(`SELECT count(*)::int AS count FROM read_model.account_transactions`);
    expect(rows.rows[0].count).toBe(stored);
    const action = await pool.query(`SELECT performed_by, outcome FROM read_model.operator_actions WHERE id = $1`, [
      printed.operatorActionId,
    ]);
    expect(action.rows).toEqual([{ performed_by: 'ops on call', outcome: 'completed' }]);
  }, 60_000);

  it('given text output, then one sentence says what was rebuilt', async () => {
    const terminal = capture();
    const code = await rebuildCommand([], terminal, { DATABASE_URL: database.url, USER: 'ada' }, quiet);
    expect(code).toBe(EXIT.ok);
    expect(terminal.output.join('\n')).toMatch(/^Rebuilt the read models from the event store: \d+ events into 20 accounts in/);
  }, 60_000);

  it('given bad arguments or a bad environment, then nothing runs and the exit status says which', async () => {
    const usage = capture();
    expect(await rebuildCommand(['--batch', 'lots'], usage, { DATABASE_URL: database.url }, quiet)).toBe(EXIT.usage);
    expect(usage.errors.join('\n')).toMatch(/--batch must be an integer/);

    const config = capture();
    expect(await rebuildCommand([], config, { DATABASE_URL: 'mysql://nope' }, quiet)).toBe(EXIT.config);
    expect(config.errors.join('\n')).toMatch(/DATABASE_URL/);

    const help = capture();
    expect(await rebuildCommand(['--help'], help, {}, quiet)).toBe(EXIT.ok);
    expect(help.output.join('\n')).toMatch(/^Usage: npm run ledger -- rebuild/);
  });

  it('given an unreachable database, then it fails and says so', async () => {
    const terminal = capture();
    const code = await rebuildCommand([], terminal, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/ledger' }, quiet);
    expect(code).toBe(EXIT.failed);
    expect(terminal.errors.join('\n')).toMatch(/^ledger rebuild: .*ECONNREFUSED/);
  });
});
