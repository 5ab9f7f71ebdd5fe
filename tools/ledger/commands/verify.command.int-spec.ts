import { EVENT_STORE_MIGRATIONS_TABLE, eventsInStreamOrder, eventStoreMigrations, PostgresEventStore } from '@ledger/event-store';
import { required } from '@ledger/platform';
import { formatAcknowledgedCommand, type AcknowledgedCommand } from '@ledger/read-model-operations';
import { inputFromStore, ProjectionWriter } from '@ledger/read-model-projection';
import { readModelMigrations } from '@ledger/read-model-schema';
import { AccountTraffic, createTestDatabase, testPool, type TestDatabase, type TrafficEvent } from '@ledger/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { runLedger } from '../ledger.cli';
import type { Terminal } from '../ledger.output';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

describe('npm run ledger -- verify against PostgreSQL', () => {
  let database: TestDatabase;
  let pool: Pool;
  let dir: string;
  const events: TrafficEvent[] = [];
  let accounts: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase([...eventStoreMigrations, ...readModelMigrations], EVENT_STORE_MIGRATIONS_TABLE);
    pool = testPool(database.url, 4);
    dir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
    // Real appends of realistic traffic, projected by the projector's own writer from the store.
    const store = new PostgresEventStore(pool, { notify: false });
    const traffic = new AccountTraffic();
    accounts = Array.from({ length: 12 }, () => randomUUID());
    const appends = [...accounts.map((id) => traffic.openAccount(id))];
    for (let round = 0; round < 12; round++) for (const id of accounts) if (traffic.isOpen(id)) appends.push(traffic.act(id));
    for (const append of appends) {
      const result = await store.append({ ...append, events: [...append.events] });
      if (result.kind !== 'appended') throw new Error(`append: ${result.kind}`);
      events.push(...append.events);
    }
    // Read back by stream, not in commit order: the commit-order reader waits for every transaction
    // open anywhere on the shared server, and each account's order is all the projection needs.
    const client = await pool.connect();
    try {
      const stored = [];
      for await (const event of eventsInStreamOrder(client, { batchSize: 1000 })) stored.push(event);
      expect(stored).toHaveLength(events.length);
      await new ProjectionWriter({ projection: 'accounts' }).apply(client, stored.map(inputFromStore));
    } finally {
      client.release();
    }
  }, 60_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
    await database.drop();
  });

  async function verify(argv: readonly string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const terminal: Terminal = { isTty: false, columns: 80, out: (t) => out.push(t), err: (t) => err.push(t) };
    const code = await runLedger(['verify', ...argv], terminal, { DATABASE_URL: database.url, USER: 'carol' });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /** Runs `change` on the read model, verifies, then puts the read model back with `undo`. */
  async function tampered(change: string, undo: string, params: unknown[], argv: readonly string[] = []): Promise<Run> {
    await pool.query(change, params);
    try {
      return await verify(argv);
    } finally {
      await pool.query(undo, params);
    }
  }

  // The traffic is random: the account to tamper with is the first one the traffic gave a deposit.
  const moneyEvent = () =>
    required(
      events.find((e) => accounts.includes(e.streamId) && e.type === 'MoneyDeposited'),
      'a deposit in the traffic',
    );
  const account = () => moneyEvent().streamId;
  /** Money in ('in': opening deposits and deposits) or out of the ledger, by the traffic's events. */
  const moved = (way: 'in' | 'out') =>
    events.reduce((sum, e) => {
      if (way === 'in' && e.type === 'AccountOpened') return sum + BigInt(String(e.data['initialDeposit']));
      if (way === 'in' && e.type === 'MoneyDeposited') return sum + BigInt(String(e.data['amount']));
      if (way === 'out' && e.type === 'MoneyWithdrawn') return sum + BigInt(String(e.data['amount']));
      return sum;
    }, 0n);
  /** The sum of the accounts' last balances, by the traffic's events. */
  const balances = () => {
    const last = new Map<string, bigint>();
    for (const e of events) if (typeof e.data['balanceAfter'] === 'string') last.set(e.streamId, BigInt(e.data['balanceAfter']));
    return [...last.values()].reduce((sum, balance) => sum + balance, 0n);
  };
  const grouped = (amount: bigint) => amount.toLocaleString('en-US');

  it('given a read model projected from the store, then no differences, exit 0, in one page or many', async () => {
    const run = await verify([]);
    const paged = await verify(['--batch', '3']);

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out.split('\n')).toEqual([
      `Checked 12 accounts: 12 streams (${events.length} events) against 12 account rows and ${events.length} history rows.`,
      `Money in the event store: EUR balances ${grouped(balances())} (deposits ${grouped(moved('in'))} - withdrawals ${grouped(moved('out'))}).`,
      'No differences: the read model agrees with the event store, and money is conserved.',
    ]);
    expect(paged).toEqual(run);
  });

  it('given a balance changed in the read model, then that difference and exit 4', async () => {
    const { rows } = await pool.query<{ balance: string }>(
      `SELECT balance::text AS balance FROM read_model.accounts WHERE account_id = $1`,
      [account()],
    );
    const balance = BigInt(required(rows[0], 'row').balance);

    const run = await tampered(
      `UPDATE read_model.accounts SET balance = balance + 1 WHERE account_id = $1`,
      `UPDATE read_model.accounts SET balance = balance - 1 WHERE account_id = $1`,
      [account()],
    );

    expect(run.code).toBe(4);
    expect(run.out.split('\n')[0]).toBe(`${account()}  balance: expected ${balance}, actual ${balance + 1n}`);
    // The read model's own sums no longer add up either.
    expect(run.out).toMatch(/^2 differences: 1 account-field, 1 conservation\.$/m);
    expect(run.out).toMatch(
      /^EUR  sum of balances \(read model\): expected \d+ \(total deposited \d+ - total withdrawn \d+\), actual \d+$/m,
    );
  });

  it("given a history row with another amount, then that row's field", async () => {
    const event = moneyEvent();
    const amount = BigInt(String(event.data['amount']));

    const run = await tampered(
      `UPDATE read_model.account_transactions SET amount = amount + 7 WHERE account_id = $1 AND version = $2`,
      `UPDATE read_model.account_transactions SET amount = amount - 7 WHERE account_id = $1 AND version = $2`,
      [account(), event.version],
    );

    expect(run.code).toBe(4);
    expect(run.out.split('\n')[0]).toBe(`${account()}  transaction v${event.version} amount: expected ${amount}, actual ${amount + 7n}`);
  });

  it('given a missing history row, then it is named with the event it should hold', async () => {
    const event = moneyEvent();
    await pool.query(`CREATE TEMP TABLE IF NOT EXISTS saved AS SELECT * FROM read_model.account_transactions WITH NO DATA`);

    const run = await tampered(
      `WITH gone AS (DELETE FROM read_model.account_transactions WHERE account_id = $1 AND version = $2 RETURNING *)
       INSERT INTO saved SELECT * FROM gone`,
      `WITH back AS (DELETE FROM saved WHERE account_id = $1 AND version = $2 RETURNING *)
       INSERT INTO read_model.account_transactions SELECT * FROM back`,
      [account(), event.version],
    );

    expect(run.code).toBe(4);
    expect(run.out.split('\n')[0]).toBe(
      `${account()}  transaction v${event.version}: expected MoneyDeposited ${String(event.data['amount'])} (event ${event.eventId}), actual absent`,
    );
    expect((await verify([])).code).toBe(0);
  });

  it('given an account row with no stream behind it, then the extra account', async () => {
    const stranger = '00000000-0000-4000-8000-0000000000ff';

    const run = await tampered(
      `INSERT INTO read_model.accounts (account_id, owner, currency, balance, status, version, opened_at, updated_at)
       VALUES ($1, 'Mallory', 'EUR', 1000, 'ACTIVE', 1, now(), now())`,
      `DELETE FROM read_model.accounts WHERE account_id = $1`,
      [stranger],
    );

    expect(run.code).toBe(4);
    expect(run.out.split('\n')[0]).toBe(`${stranger}  account: expected absent (no stream in the event store), actual version 1`);
    expect(run.out).toMatch(/^Checked 13 accounts: 12 streams .* against 13 account rows/m);
  });

  it('given a version moved back, then only the version differs: the history rows are all there', async () => {
    const last = Math.max(...events.filter((e) => e.streamId === account()).map((e) => e.version));

    const run = await tampered(
      `UPDATE read_model.accounts SET version = version - 1 WHERE account_id = $1`,
      `UPDATE read_model.accounts SET version = version + 1 WHERE account_id = $1`,
      [account()],
    );

    expect(run.code).toBe(4);
    expect(run.out.split('\n')).toEqual([
      `${account()}  version: expected ${last}, actual ${last - 1}`,
      expect.stringMatching(/^Checked 12 accounts/),
      expect.stringMatching(/^Money in the event store: EUR /),
      '1 difference: 1 account-field.',
    ]);
  });

  it('given --account, then only that account is checked; an unknown one exits 3', async () => {
    const other = required(accounts[5], 'account 6');
    await pool.query(`UPDATE read_model.accounts SET balance = balance + 5, owner = owner || '!' WHERE account_id = $1`, [other]);
    try {
      const clean = await verify(['--account', account().toUpperCase()]);
      const dirty = await verify(['--account', other, '--json']);

      expect(clean.code).toBe(0);
      expect(clean.out).toMatch(/^Checked 1 account: 1 stream \(\d+ events\) against 1 account row and \d+ history rows\.$/m);
      expect(dirty.code).toBe(4);
      const json = JSON.parse(dirty.out) as {
        consistent: boolean;
        summary: { accountsChecked: number; differences: number };
        differences: { accountId: string; field: string }[];
      };
      expect(json.consistent).toBe(false);
      expect(json.summary).toMatchObject({ accountsChecked: 1, differences: 2 });
      expect(json.differences.map((d) => [d.accountId, d.field])).toEqual([
        [other, 'owner'],
        [other, 'balance'],
      ]);
    } finally {
      await pool.query(`UPDATE read_model.accounts SET balance = balance - 5, owner = left(owner, -1) WHERE account_id = $1`, [other]);
    }
    const unknown = await verify(['--account', randomUUID()]);
    expect(unknown).toMatchObject({
      code: 3,
      out: expect.stringMatching(/^Neither the event store nor the read model knows account .*: nothing to verify\.$/),
    });
    expect((await verify([])).code).toBe(0);
  });

  describe('--acks', () => {
    const acks = (): AcknowledgedCommand[] =>
      events
        .filter((e) => e.type === 'MoneyDeposited' || e.type === 'MoneyWithdrawn')
        .map((e) => ({
          outcome: 'acknowledged',
          kind: e.type === 'MoneyDeposited' ? 'deposit' : 'withdraw',
          accountId: e.streamId,
          version: e.version,
          amount: Number(e.data['amount']),
          eventId: e.eventId,
        }));
    const file = (name: string, lines: readonly string[]) => {
      const path = join(dir, name);
      writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
      return path;
    };

    it('given every acknowledged command in the store and the read model, then exit 0 and the count', async () => {
      const all = acks();
      const path = file('good.ndjson', [
        ...all.map(formatAcknowledgedCommand),
        '',
        formatAcknowledgedCommand({ outcome: 'unknown', kind: 'close', accountId: account(), amount: null }),
      ]);

      const run = await verify(['--acks', path]);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(
        new RegExp(
          `; ${all.length} acknowledged commands \\(and 1 command of unknown outcome, not checked\\)\\.\\nMoney in the event store: .*\\nNo differences`,
        ),
      );
    });

    it('given an acknowledged command the store does not have, then it is reported missing', async () => {
      const stranger = randomUUID();
      const path = file('lost.ndjson', [
        formatAcknowledgedCommand({ outcome: 'acknowledged', kind: 'deposit', accountId: stranger, version: 2, amount: 500 }),
      ]);

      const run = await verify(['--acks', path]);

      expect(run.code).toBe(4);
      expect(run.out.split('\n')[0]).toBe(`${stranger}  ack v2 deposit: expected MoneyDeposited 500, actual absent from the event store`);
    });

    it.each([
      ['a line that is not a command', ['{"outcome":"acknowledged"}'], /--acks .*bad\.ndjson line 1: kind must be one of/],
      ['a file that does not exist', null, /cannot read --acks .*missing\.ndjson: ENOENT/],
    ])('given %s, then a usage error before anything is read', async (_, lines, message) => {
      const path = lines === null ? join(dir, 'missing.ndjson') : file('bad.ndjson', lines);

      const run = await verify(['--acks', path]);

      expect(run).toMatchObject({ code: 2, out: '' });
      expect(run.err).toMatch(message);
    });
  });

  it.each([
    [['--account', 'bob'], /--account must be an account id/],
    [['--batch', '0'], /--batch must be an integer from 1 to 100000/],
    [['--batch', '1e3'], /--batch/],
    [['--acks', ''], /--acks must name a file/],
    [['extra'], /verify takes no arguments, got 1/],
    [['--fix'], /Unknown option '--fix'/],
  ])('given %j, then usage on stderr and exit 2', async (argv, message) => {
    const run = await verify(argv);

    expect(run).toMatchObject({ code: 2, out: '' });
    expect(run.err).toMatch(message);
    expect(run.err).toMatch(/Usage: npm run ledger -- verify/);
  });
});
