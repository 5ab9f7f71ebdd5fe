import { databaseUnavailability, messageOf } from '@ledger/platform';

/**
 * What a failed read-model transaction says about what to do next:
 * - `outage`: the database cannot serve anyone (unreachable, shutting down, out of resources, or a
 *   deployment fault such as a missing table or grant). Every account is blocked alike, so the
 *   projector stalls and retries for as long as it takes; dead-lettering would wrongly park everything.
 * - `data`: the database refused these rows (SQLSTATE class 22 data exception, 23 integrity
 *   violation). Retrying the same rows fails the same way: isolate the account that causes it.
 * - `transient`: anything else (deadlock, serialization failure, statement timeout, unknown): worth
 *   retrying, but not forever.
 */
export type DatabaseFailure = 'outage' | 'data' | 'transient';

/** Deployment faults block every account alike: 28 authorization, 3D/3F no such database/schema, 42 schema or grants. */
const DEPLOYMENT_CLASSES = new Set(['28', '3D', '3F', '42']);
const DATA_CLASSES = new Set(['22', '23']);

/** No connection could be had at all: whatever the cause, no account can be applied. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`no database connection: ${messageOf(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export function classifyDatabaseFailure(error: unknown): DatabaseFailure {
  if (error instanceof DatabaseUnavailableError || databaseUnavailability(error) === 'unreachable') return 'outage';
  const code = stringField(error, 'code');
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return 'transient';
  if (DEPLOYMENT_CLASSES.has(code.slice(0, 2))) return 'outage';
  return DATA_CLASSES.has(code.slice(0, 2)) ? 'data' : 'transient';
}

export interface RetryCounts {
  /** Failures of this batch that were not outages. */
  readonly refusals: number;
  readonly maxAttempts: number;
}

/**
 * Whether the next attempt should apply each account on its own (`ProjectionWriter.applyIsolated`), so
 * only the accounts the database refuses are dead-lettered: after a data error has repeated once
 * (one retry rules out a race), or after `maxAttempts` failures of any other kind. An outage never
 * isolates: it is no account's fault.
 */
export function shouldIsolate(failure: DatabaseFailure, counts: RetryCounts): boolean {
  if (failure === 'outage') return false;
  const limit = failure === 'data' ? Math.min(2, counts.maxAttempts) : counts.maxAttempts;
  return counts.refusals >= limit;
}

function stringField(error: unknown, field: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
