import { revokeSchemaGrantsSql } from './database-roles';

describe('revokeSchemaGrantsSql', () => {
  // The statements the event store's roles migration ran before it used this: migrations are history.
  it('given a schema, its roles and those with sequences, then the statements that undo their grants, in order', () => {
    expect(revokeSchemaGrantsSql('event_store', ['ledger_command', 'ledger_relay'], ['ledger_command'])).toEqual([
      'ALTER DEFAULT PRIVILEGES IN SCHEMA event_store REVOKE ALL ON TABLES FROM ledger_command, ledger_relay',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA event_store REVOKE ALL ON SEQUENCES FROM ledger_command',
      'REVOKE ALL ON ALL TABLES IN SCHEMA event_store FROM ledger_command, ledger_relay',
      'REVOKE ALL ON ALL SEQUENCES IN SCHEMA event_store FROM ledger_command',
      'REVOKE ALL ON SCHEMA event_store FROM ledger_command, ledger_relay',
    ]);
  });
});
