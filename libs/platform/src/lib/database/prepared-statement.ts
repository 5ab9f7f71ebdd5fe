import { createHash } from 'node:crypto';

/**
 * A statement pg parses once per connection and then only binds and executes (`client.query(statement)`
 * with `values`). For the short statements of a hot path, parsing and planning cost as much as running them.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Names `text` after its content, so two different texts never share a name on a connection (pg refuses
 * a name prepared with another text) and the same text built twice is prepared once.
 */
export function prepared(text: string): PreparedStatement {
  return { name: `ledger_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
}
