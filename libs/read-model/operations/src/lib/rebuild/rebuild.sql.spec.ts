import { createNextIndex, suffixed } from './rebuild.sql';

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
});
