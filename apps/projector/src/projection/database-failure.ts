import { databaseUnavailability, messageOf } from '@ledger/platform';

/**
 * What a failed read-model transaction says about what to do next:
 * - `outage`: the database cannot serve anyone (unreachable, shutting down, out of resources, or a
 *   deployment fault such as a missing table or grant). Every account is blocked alike, so the
 *   projector stalls and retries for as long as it takes; dead-lettering would wrongly park everything.
 * - `transient`: the database gave up on this attempt for reasons of the moment (deadlock,
 *   serialization failure, lock or statement timeout, a lost connection). The same rows go through
 *   later: retried with backoff for as long as it takes, never isolated, never parked.
 * - `data`: the database refused these rows (SQLSTATE class 22 data exception, 23 integrity
 *   violation). Retrying the same rows fails the same way: isolate the account that causes it.
 * - `unexplained`: anything else (an internal error, an error of unknown shape): retried, and after
 *   the configured attempts treated as the rows' fault like `data`.
 */
export type DatabaseFailure = 'outage' | 'transient' | 'data' | 'unexplained';

/** Deployment faults block every account alike: 28 authorization, 3D/3F no such database/schema, 42 schema or grants. */
const DEPLOYMENT_CLASSES = new Set(['28', '3D', '3F', '42']);
const DATA_CLASSES = new Set(['22', '23']);
/** 40 transaction rollback (40001 serialization failure, 40P01 deadlock), 55P03 lock not available, 55006 object in use. */
const TRANSIENT_CLASSES = new Set(['40']);
const TRANSIENT_STATES = new Set(['55P03', '55006']);

/** No connection could be had at all: whatever the cause, no account can be applied. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`no database connection: ${messageOf(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export function classifyDatabaseFailure(error: unknown): DatabaseFailure {
  if (error instanceof DatabaseUnavailableError) return 'outage';
  const unavailability = databaseUnavailability(error);
  if (unavailability === 'unreachable') return 'outage';
  // A statement timeout (57014) says the server is slow now, not that the rows are wrong.
  if (unavailability === 'timed-out') return 'transient';
  const code = stringField(error, 'code');
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return 'unexplained';
  const codeClass = code.slice(0, 2);
  if (DEPLOYMENT_CLASSES.has(codeClass)) return 'outage';
  if (TRANSIENT_CLASSES.has(codeClass) || TRANSIENT_STATES.has(code)) return 'transient';
  return DATA_CLASSES.has(codeClass) ? 'data' : 'unexplained';
}

/** Whether an account whose rows failed this way may be dead-lettered and parked: only when the failure is the rows' own. */
export function mayPark(failure: DatabaseFailure): boolean {
  return failure === 'data' || failure === 'unexplained';
}

export interface RetryCounts {
  /** Failures of this batch that may be the rows' fault (`mayPark`). */
  readonly refusals: number;
  readonly maxAttempts: number;
}

/**
 * Whether the next attempt should apply each account on its own (`ProjectionWriter.applyIsolated`), so
 * only the accounts the database refuses are dead-lettered: after a data error has repeated once
 * (one retry rules out a race), or after `maxAttempts` unexplained failures. Outages and transient
 * failures never isolate: they are no account's fault, and the batch goes through once they pass.
 */
export function shouldIsolate(failure: DatabaseFailure, counts: RetryCounts): boolean {
  if (!mayPark(failure)) return false;
  const limit = failure === 'data' ? Math.min(2, counts.maxAttempts) : counts.maxAttempts;
  return counts.refusals >= limit;
}

function stringField(error: unknown, field: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
