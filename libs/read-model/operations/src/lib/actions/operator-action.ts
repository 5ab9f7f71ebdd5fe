import { isUuid } from '@ledger/primitives';
import { first, messageOf } from '@ledger/platform';
import type { ClientBase, Pool, PoolClient } from 'pg';
import { ACCOUNTS_PROJECTION, ProjectionWriter } from '@ledger/read-model-projection';
import { RECORD_OPERATOR_ACTION } from './operations.sql';

export type OperatorActionName = 'redrive' | 'heal' | 'skip' | 'rebuild';

export interface OperatorContext {
  readonly pool: Pool;
  /** Who acted: recorded with every action. */
  readonly performedBy: string;
  /** Default ACCOUNTS_PROJECTION (the projector's). */
  readonly projection?: string;
}

export interface OperatorActionRecord {
  readonly action: OperatorActionName;
  readonly target: string;
  readonly outcome: string;
  readonly detail: object;
  readonly performedBy: string;
}

/** One audit row in `read_model.operator_actions`; returns its id. */
export async function recordOperatorAction(db: Pool | ClientBase, record: OperatorActionRecord): Promise<string> {
  const { rows } = await db.query<{ id: string }>(RECORD_OPERATOR_ACTION, [
    record.action,
    record.target,
    record.outcome,
    JSON.stringify(record.detail),
    record.performedBy,
  ]);
  return first(rows, 'the recorded operator action').id;
}

export function writerFor(context: OperatorContext): ProjectionWriter {
  return new ProjectionWriter({ projection: context.projection ?? ACCOUNTS_PROJECTION });
}

/**
 * Runs an action in one transaction whose last write is its audit row, so an action and its record
 * commit together. A failed action is rolled back and then recorded as `failed` with the error.
 */
export async function runOperatorAction<T extends { readonly kind: string }>(
  context: OperatorContext,
  action: OperatorActionName,
  target: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await context.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const outcome = await work(client);
    const { kind, ...detail } = outcome;
    await recordOperatorAction(client, { action, target, outcome: kind, detail, performedBy: context.performedBy });
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    const failure = { action, target, outcome: 'failed', detail: { error: messageOf(error) }, performedBy: context.performedBy };
    // Best effort: the action's own error is what the caller needs to see.
    await recordOperatorAction(broken === undefined ? client : context.pool, failure).catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The account id as the projection writes it (lower case); throws a RangeError for anything but a UUID. */
export function canonicalAccountId(value: string): string {
  if (!isUuid(value)) throw new RangeError(`account id must be a UUID, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}
