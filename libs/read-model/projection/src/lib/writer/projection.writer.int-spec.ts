import { AccountHistory, databaseSuite } from '@ledger/testing';
import type { Message } from 'kafkajs';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@ledger/read-model-schema';
import { projectionInputs } from '../../testing/projection.fixture';
import { ProjectionWriter } from './projection.writer';

describe('ProjectionWriter against PostgreSQL', () => {
  const db = databaseSuite({ migrations: readModelMigrations, migrationsTable: READ_MODEL_MIGRATIONS_TABLE, poolSize: 4 });
  const writer = new ProjectionWriter({ projection: 'accounts' });

  async function apply(messages: readonly Message[], firstOffset = 0) {
    const client = await db.pool.connect();
    try {
      return await writer.apply(client, projectionInputs(messages, firstOffset));
    } finally {
      client.release();
    }
  }

  /**
   * As `apply`, with `between` run on another connection once the batch's first statement returned (the
   * moment another writer can slip in), and the statements the batch ran.
   */
  async function applyRacing(messages: readonly Message[], firstOffset: number, between: () => Promise<unknown>, by = writer) {
    const client = await db.pool.connect();
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const statements: string[] = [];
    const racing = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      statements.push(text.trim().split(/\s+/)[0] ?? '');
      const result = await query(...args);
      if (statements.length === 1) await between();
      return result;
    };
    Object.assign(client, { query: racing });
    try {
      return { outcome: await by.apply(client, projectionInputs(messages, firstOffset)), statements };
    } finally {
      Reflect.deleteProperty(client, 'query');
      client.release();
    }
  }

  async function account(id: string) {
    const { rows } = await db.pool.query(
      `SELECT balance::text, version::int, status, total_deposited::text, transaction_count::int FROM read_model.accounts WHERE account_id = $1`,
      [id],
    );
    return rows[0];
  }

  it('given a history delivered in order, then the account and one history row per event are written', async () => {
    const history = new AccountHistory({ deposits: 3 });
    const outcome = await apply(history.messages());
    expect(outcome).toMatchObject({
      applied: 4,
      duplicates: 0,
      held: 0,
      deadLettered: 0,
      moved: [{ accountId: history.accountId, version: 4 }],
    });
    expect(await account(history.accountId)).toEqual({
      balance: '130',
      version: 4,
      status: 'ACTIVE',
      total_deposited: '130',
      transaction_count: 4,
    });
    const rows = await db.pool.query(`SELECT version::int FROM read_model.account_transactions WHERE account_id = $1 ORDER BY version`, [
      history.accountId,
    ]);
    expect(rows.rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
  });

  it('given an owner and owner id with quotes, backslashes, commas and braces, then the row holds them as written, with its times', async () => {
    const owner = 'Ada "Lovelace", \\ {NULL}';
    const ownerId = 'user "7\\f", {x}';
    const history = new AccountHistory({ deposits: 1, owner, ownerId });
    await apply(history.messages());
    const { rows } = await db.pool.query(
      `SELECT owner, owner_id, currency, opened_at, updated_at, last_activity_at FROM read_model.accounts WHERE account_id = $1`,
      [history.accountId],
    );
    expect(rows).toEqual([
      {
        owner,
        owner_id: ownerId,
        currency: 'EUR',
        opened_at: new Date(history.envelopes[0]?.occurredAt ?? ''),
        updated_at: new Date(history.envelopes[1]?.occurredAt ?? ''),
        last_activity_at: new Date(history.envelopes[1]?.occurredAt ?? ''),
      },
    ]);
  });

  it('given openings with and without an owner id, then each row keeps the owner id of its opening through later events', async () => {
    const owned = new AccountHistory({ deposits: 2, ownerId: 'user-7f3a' });
    const unowned = new AccountHistory({ deposits: 1 });
    await apply([...owned.messages([1]), ...unowned.messages()]);
    await apply(owned.messages([2, 3]), 10);

    const { rows } = await db.pool.query(
      `SELECT account_id::text, owner_id, version::int FROM read_model.accounts WHERE account_id = ANY($1::uuid[]) ORDER BY version`,
      [[owned.accountId, unowned.accountId]],
    );
    expect(rows).toEqual([
      { account_id: unowned.accountId, owner_id: null, version: 2 },
      { account_id: owned.accountId, owner_id: 'user-7f3a', version: 3 },
    ]);
  });

  it('given the same messages twice, then the second delivery changes nothing', async () => {
    const history = new AccountHistory({ deposits: 2 });
    await apply(history.messages());
    const again = await apply([...history.messages(), ...history.messages()]);
    expect(again).toMatchObject({ applied: 0, duplicates: 6 });
    expect(await account(history.accountId)).toMatchObject({ balance: '120', version: 3 });
  });

  it('given a gap, then the account is parked, later events are held, and other accounts keep flowing', async () => {
    const gapped = new AccountHistory({ deposits: 4 });
    const healthy = new AccountHistory({ deposits: 1 });
    const outcome = await apply(
      [...gapped.messages([1, 2]), ...healthy.messages([1]), ...gapped.messages([4, 5]), ...healthy.messages([2])],
      100,
    );
    expect(outcome).toMatchObject({ applied: 4, deadLettered: 1, held: 1, parked: [gapped.accountId] });
    expect(await account(gapped.accountId)).toMatchObject({ version: 2 });
    expect(await account(healthy.accountId)).toMatchObject({ version: 2 });
    const dead = await db.pool.query(`SELECT version::int, error FROM read_model.dead_letters WHERE account_id = $1`, [gapped.accountId]);
    expect(dead.rows).toEqual([{ version: 4, error: 'version gap: expected version 3, got 4' }]);
    const later = await apply(gapped.messages([3]), 200);
    expect(later).toMatchObject({ applied: 0, held: 1 });
    const held = await db.pool.query(`SELECT "offset"::int FROM read_model.parked_events WHERE account_id = $1 ORDER BY id`, [
      gapped.accountId,
    ]);
    expect(held.rows.map((r) => r.offset)).toEqual([104, 200]);
  });

  describe('given a batch that only moves accounts', () => {
    it('when nothing else writes them, then it is read and written in two statements and no transaction', async () => {
      const history = new AccountHistory({ deposits: 2 });
      await apply(history.messages([1]));
      const { outcome, statements } = await applyRacing(history.messages([2, 3]), 10, async () => undefined);
      expect(outcome).toMatchObject({ applied: 2, duplicates: 0, moved: [{ accountId: history.accountId, version: 3 }] });
      // Then this writer's in-statement announcement (the projector's announces on a session of its own).
      expect(statements.slice(0, 2)).toEqual(['SELECT', 'WITH']);
      expect(statements).not.toContain('BEGIN');
      expect(await account(history.accountId)).toMatchObject({ balance: '120', version: 3 });
    });

    it('when another writer moves an account between its read and its write, then it is planned again under locks', async () => {
      const history = new AccountHistory({ deposits: 3 });
      await apply(history.messages([1, 2]));
      const { outcome, statements } = await applyRacing(history.messages([3, 4]), 10, () => apply(history.messages([3]), 20));
      expect(outcome).toMatchObject({ applied: 1, duplicates: 1, moved: [{ accountId: history.accountId, version: 4 }] });
      expect(statements.slice(0, 3)).toEqual(['SELECT', 'WITH', 'BEGIN']);
      expect(await account(history.accountId)).toMatchObject({ balance: '130', version: 4, transaction_count: 4 });
    });

    it('when another writer parks an account between its read and its write, then its events are held, not applied', async () => {
      const history = new AccountHistory({ deposits: 3 });
      await apply(history.messages([1, 2]));
      const { outcome } = await applyRacing(history.messages([3]), 10, () => apply(history.messages([4]), 20));
      expect(outcome).toMatchObject({ applied: 0, held: 1, gapsClosed: [history.accountId] });
      expect(await account(history.accountId)).toMatchObject({ version: 2 });
    });
  });

  describe('given a writer that keeps the account rows it wrote', () => {
    const nothing = async () => undefined;

    it('when a batch moves only accounts it wrote or opens, then it is written in one statement', async () => {
      const caching = new ProjectionWriter({ projection: 'accounts', cachedAccounts: 100 });
      const history = new AccountHistory({ deposits: 3 });
      const opened = await applyRacing(history.messages([1, 2]), 0, nothing, caching);
      const { outcome, statements } = await applyRacing(history.messages([3, 4]), 10, nothing, caching);
      expect(opened.statements[0]).toBe('WITH');
      expect(outcome).toMatchObject({ applied: 2, moved: [{ accountId: history.accountId, version: 4 }] });
      expect(statements[0]).toBe('WITH');
      expect(statements).not.toContain('BEGIN');
      expect(await account(history.accountId)).toMatchObject({ balance: '130', version: 4, transaction_count: 4 });
    });

    it('when another writer rewrote a row it keeps, even at the same version, then the batch folds from the rewritten row', async () => {
      const caching = new ProjectionWriter({ projection: 'accounts', cachedAccounts: 100 });
      const history = new AccountHistory({ deposits: 2 });
      await applyRacing(history.messages([1, 2]), 0, nothing, caching);
      // As a rebuild under a corrected fold would leave it: the same version, another running total.
      await db.pool.query(`UPDATE read_model.accounts SET total_deposited = 500 WHERE account_id = $1`, [history.accountId]);
      const { outcome } = await applyRacing(history.messages([3]), 10, nothing, caching);
      expect(outcome).toMatchObject({ applied: 1, moved: [{ accountId: history.accountId, version: 3 }] });
      expect(await account(history.accountId)).toMatchObject({ total_deposited: '510', version: 3 });
    });

    it('when another writer parks an account it keeps, then its next events are held, not applied', async () => {
      const caching = new ProjectionWriter({ projection: 'accounts', cachedAccounts: 100 });
      const history = new AccountHistory({ deposits: 3 });
      await applyRacing(history.messages([1, 2]), 0, nothing, caching);
      await apply(history.messages([4]), 20);
      const { outcome } = await applyRacing(history.messages([3]), 10, nothing, caching);
      expect(outcome).toMatchObject({ applied: 0, held: 1, gapsClosed: [history.accountId] });
      expect(await account(history.accountId)).toMatchObject({ version: 2 });
    });
  });

  describe('given the topic deleted and created again, its offsets starting over', () => {
    it('when another message is dead-lettered at an offset an old dead letter holds, then each keeps its own and the account parks behind its own', async () => {
      const before = new AccountHistory({ deposits: 2 });
      const after = new AccountHistory({ deposits: 2 });
      await apply(before.messages([2]), 400);

      const outcome = await apply(after.messages([3]), 400);

      expect(outcome).toMatchObject({ deadLettered: 1, parked: [after.accountId] });
      const dead = await db.pool.query(
        `SELECT id::text, account_id::text, version::int, error FROM read_model.dead_letters WHERE "offset" = 400 ORDER BY id`,
      );
      expect(dead.rows).toEqual([
        { id: expect.any(String), account_id: before.accountId, version: 2, error: 'version gap: expected version 1, got 2' },
        { id: expect.any(String), account_id: after.accountId, version: 3, error: 'version gap: expected version 1, got 3' },
      ]);
      const parked = await db.pool.query(
        `SELECT account_id::text, dead_letter_id::text FROM read_model.parked_accounts WHERE "account_id" = ANY($1)`,
        [[before.accountId, after.accountId]],
      );
      expect(new Map(parked.rows.map((r) => [r.account_id, r.dead_letter_id]))).toEqual(
        new Map([
          [before.accountId, dead.rows[0].id],
          [after.accountId, dead.rows[1].id],
        ]),
      );
    });

    it('when a parked account gets another message at an offset one of its held messages has, then both are held', async () => {
      const history = new AccountHistory({ deposits: 4 });
      await apply(history.messages([2, 3]), 500);

      expect(await apply(history.messages([4]), 501)).toMatchObject({ held: 1 });

      const held = await db.pool.query(`SELECT "offset"::int FROM read_model.parked_events WHERE account_id = $1 ORDER BY id`, [
        history.accountId,
      ]);
      expect(held.rows.map((r) => r.offset)).toEqual([501, 501]);
    });

    it('when the same message comes again at its offset (a redelivery), then it is still one dead letter, or one held message', async () => {
      const stray = { key: null, value: Buffer.from('{not json at 700') };
      await apply([stray], 700);
      await apply([stray], 700);
      const dead = await db.pool.query(`SELECT attempts FROM read_model.dead_letters WHERE "offset" = 700`);
      expect(dead.rows).toEqual([{ attempts: 2 }]);

      const history = new AccountHistory({ deposits: 3 });
      await apply(history.messages([2, 3]), 600);
      await apply(history.messages([3]), 601);
      const held = await db.pool.query(`SELECT "offset"::int FROM read_model.parked_events WHERE account_id = $1`, [history.accountId]);
      expect(held.rows).toEqual([{ offset: 601 }]);
    });
  });

  it('given poison without an account, then it is dead-lettered and nothing is parked', async () => {
    const outcome = await apply([{ key: null, value: Buffer.from('{not json') }], 300);
    expect(outcome).toMatchObject({ deadLettered: 1, parked: [] });
    const dead = await db.pool.query(`SELECT account_id, error FROM read_model.dead_letters WHERE "offset" = 300`);
    expect(dead.rows[0]).toMatchObject({ account_id: null });
    expect(dead.rows[0].error).toMatch(/not JSON/);
  });
});
