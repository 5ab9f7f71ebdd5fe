import type { ClientBase } from 'pg';

/**
 * Anything that can run a query: a `pg` Pool, a pooled client or a dedicated session. Functions that
 * run single statements take this, so a caller chooses whether they join its transaction or its
 * lock-holding session, and tests pass real connections instead of faking a Pool.
 */
export type Queryable = Pick<ClientBase, 'query'>;
