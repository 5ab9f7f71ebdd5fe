import { addNextForeignKey, createNextIndex, suffixed, type LiveForeignKeyRow } from './rebuild.sql';

describe('rebuild statements', () => {
  it('given a plain index, then it is re-created on the fresh table under the _next name, method and columns kept', () => {
    const sql = createNextIndex('accounts', {
      name: 'accounts_owner_idx',
      definition: 'CREATE INDEX accounts_owner_idx ON read_model.accounts USING btree (owner, opened_at, account_id)',
      unique: false,
      constraint_definition: null,
    });
    expect(sql).toBe('CREATE INDEX "accounts_owner_idx_next" ON read_model."accounts_next" USING btree (owner, opened_at, account_id)');
  });

  it('given a constraint index, then the constraint is added with its own definition', () => {
    const sql = createNextIndex('account_transactions', {
      name: 'account_transactions_event_id_key',
      definition: 'CREATE UNIQUE INDEX account_transactions_event_id_key ON read_model.account_transactions USING btree (event_id)',
      unique: true,
      constraint_definition: 'UNIQUE (event_id)',
    });
    expect(sql).toBe(
      'ALTER TABLE read_model."account_transactions_next" ADD CONSTRAINT "account_transactions_event_id_key_next" UNIQUE (event_id)',
    );
  });

  it('given a partial unique index, then UNIQUE and the predicate are kept', () => {
    const sql = createNextIndex('accounts', {
      name: 'x',
      definition: "CREATE UNIQUE INDEX x ON read_model.accounts USING btree (owner) WHERE (status = 'ACTIVE'::text)",
      unique: true,
      constraint_definition: null,
    });
    expect(sql).toBe('CREATE UNIQUE INDEX "x_next" ON read_model."accounts_next" USING btree (owner) WHERE (status = \'ACTIVE\'::text)');
  });

  it('given a name near the 63-byte limit, then the base is cut and the suffix kept', () => {
    const name = 'a'.repeat(63);
    expect(suffixed(name, '_next')).toBe(`${'a'.repeat(58)}_next`);
    expect(suffixed('short', '_old')).toBe('short_old');
  });

  describe('foreign keys', () => {
    const key = (change: Partial<LiveForeignKeyRow> = {}): LiveForeignKeyRow => ({
      name: 'account_transactions_account_fkey',
      columns: 'account_id',
      referenced_schema: 'read_model',
      referenced_table: 'accounts',
      referenced_columns: 'account_id',
      on_delete: 'c',
      on_update: 'a',
      deferrable: false,
      deferred: false,
      ...change,
    });

    it('given a key to another rebuilt table, then the fresh table references its fresh copy, under the live name', () => {
      expect(addNextForeignKey('account_transactions', key())).toBe(
        'ALTER TABLE read_model."account_transactions_next" ADD CONSTRAINT "account_transactions_account_fkey" FOREIGN KEY (account_id) ' +
          'REFERENCES read_model."accounts_next" (account_id) ON DELETE CASCADE ON UPDATE NO ACTION',
      );
    });

    it('given a key to a table the rebuild leaves alone, then it still references that table; deferral is kept', () => {
      const sql = addNextForeignKey(
        'accounts',
        key({ referenced_table: 'dead_letters', on_delete: 'n', deferrable: true, deferred: true }),
      );
      expect(sql).toMatch(
        /REFERENCES "read_model"\."dead_letters" \(account_id\) ON DELETE SET NULL ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED$/,
      );
    });

    it('given an action code it does not know, then it refuses rather than guess', () => {
      expect(() => addNextForeignKey('accounts', key({ on_delete: 'x' }))).toThrow(/unknown foreign key action "x"/);
    });
  });
});
