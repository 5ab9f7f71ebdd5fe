import type { ClientBase, Pool } from 'pg';
import { deadLetterBase, type DeadLetterBase, type DeadLetterBaseRow } from '@ledger/read-model-schema';
import { LIST_DEAD_LETTERS } from './operations.sql';
import { canonicalAccountId } from './operator-action';

export const DEAD_LETTER_STATUSES = ['open', 'redriven', 'healed', 'skipped'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export interface DeadLetterFilter {
  readonly status?: DeadLetterStatus;
  readonly accountId?: string;
  /** 1 to MAX_LIST_LIMIT. */
  readonly limit: number;
}

export const MAX_LIST_LIMIT = 10_000;

export interface DeadLetterSummary extends DeadLetterBase {
  readonly status: DeadLetterStatus;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
  readonly resolvedAt: Date | null;
  /** It is what keeps its account parked now. */
  readonly parksAccount: boolean;
}

interface DeadLetterSummaryRow extends DeadLetterBaseRow {
  readonly status: DeadLetterStatus;
  readonly created_at: Date;
  readonly published_at: Date | null;
  readonly resolved_at: Date | null;
  readonly parks_account: boolean;
}

/** Dead letters, newest first. */
export async function listDeadLetters(db: Pool | ClientBase, filter: DeadLetterFilter): Promise<DeadLetterSummary[]> {
  assertLimit(filter.limit);
  const accountId = filter.accountId === undefined ? null : canonicalAccountId(filter.accountId);
  if (filter.status !== undefined && !DEAD_LETTER_STATUSES.includes(filter.status)) {
    throw new RangeError(`status must be one of ${DEAD_LETTER_STATUSES.join(', ')}, got ${JSON.stringify(filter.status)}`);
  }
  const { rows } = await db.query<DeadLetterSummaryRow>(LIST_DEAD_LETTERS, [filter.status ?? null, accountId, filter.limit]);
  return rows.map((row) => ({
    ...deadLetterBase(row),
    status: row.status,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    resolvedAt: row.resolved_at,
    parksAccount: row.parks_account,
  }));
}

export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
  }
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A dead letter's id as the table has it: a positive bigint, in canonical decimal form. */
export function isDeadLetterId(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

export function assertDeadLetterId(value: string): void {
  if (!isDeadLetterId(value)) throw new RangeError(`dead letter id must be a positive integer, got ${JSON.stringify(value)}`);
}
