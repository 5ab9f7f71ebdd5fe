import { Injectable } from '@nestjs/common';
import { prepared, required } from '@ledger/platform';
import type { OwnerPosition } from '../cursors/cursor.codec';
import { postgresInstant } from '../edge/rfc3339';
import { typesWithEffect } from './account-event.types';
import {
  ACCOUNT_RECORD_SELECT,
  accountFromRow,
  HISTORY_SELECT,
  historyFromRow,
  type AccountRecord,
  type AccountTableRow,
  type HistoryRecord,
  type HistoryTableRow,
} from './account.record';
import { ReadModelPool } from './read-model.pool';

export interface OwnedAccount {
  readonly account: AccountRecord;
  /** Where the account stands in its owner's listing, with opened_at to the microsecond. */
  readonly position: OwnerPosition;
}

/** Whose accounts a listing shows: an owner name, or an owner id (both served by an index in listing order). */
export type OwnerFilter = { readonly owner: string } | { readonly ownerId: string };

/** Which rows of a history a page may hold; timestamps are RFC 3339 text, compared exactly (postgresInstant). */
export interface HistoryFilter {
  /** Below this version (a cursor's position); null: from the newest. */
  readonly beforeVersion: number | null;
  /** occurredAt at or after this instant. */
  readonly from?: string;
  /** occurredAt strictly before this instant. */
  readonly to?: string;
  readonly type?: string;
}

/** Sums of a run of history rows (decimal strings: a sum may pass 2^53). */
export interface HistoryTotals {
  readonly credits: string;
  readonly debits: string;
  readonly creditCount: string;
  readonly debitCount: string;
  readonly count: string;
}

const HISTORY = 'read_model.account_transactions';

const FIND_ACCOUNT = prepared(`SELECT ${ACCOUNT_RECORD_SELECT} FROM read_model.accounts a WHERE a.account_id = $1::uuid`);

/**
 * For each account asked (`$1`, in that order), the account and up to `$3` of its history rows after
 * `$2`, all from one snapshot: one row per history row with the account beside it, or a single row
 * with nulls where either is missing; `wanted` numbers the account asked, from 1. The list asked
 * leads, so the rows of an account the accounts table lacks are read all the same. Rows come in the
 * order asked, then by `position` (the version as a number: as text, 10 would sort before 9).
 */
const ACCOUNTS_WITH_CHANGES = prepared(
  `SELECT w.n::int AS wanted, ${ACCOUNT_RECORD_SELECT}, h.*
     FROM unnest($1::uuid[], $2::bigint[], $3::int[]) WITH ORDINALITY AS w(account_id, after_version, take, n)
     LEFT JOIN read_model.accounts a ON a.account_id = w.account_id
     LEFT JOIN LATERAL (
       SELECT ${HISTORY_SELECT}, tx.version AS position FROM ${HISTORY} tx
        WHERE tx.account_id = w.account_id AND tx.version > w.after_version ORDER BY tx.version ASC LIMIT w.take
     ) AS h ON true
    ORDER BY w.n, h.position`,
);

// A JavaScript Date keeps milliseconds; the keyset position must be what the row holds, exactly.
const EXACT_OPENED_AT = `to_char(a.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS opened_at_exact`;

/** An account, and its history rows after a version, oldest first. */
export interface AccountChanges {
  readonly account: AccountRecord | null;
  readonly changes: readonly HistoryRecord[];
}

/** One account of a read of several: up to `take` of its history rows after `afterVersion` (0: the account alone). */
export interface ChangesWanted {
  readonly accountId: string;
  readonly afterVersion: number;
  readonly take: number;
}

type AccountChangesRow = { readonly wanted: number } & AccountTableRow & Partial<HistoryTableRow>;

const isHistoryRow = (row: AccountChangesRow): row is AccountChangesRow & HistoryTableRow => row.version != null;

/** Reads the read models, and only them. Every query is an index range. */
@Injectable()
export class AccountReader {
  constructor(private readonly pool: ReadModelPool) {}

  async findAccount(accountId: string): Promise<AccountRecord | null> {
    const [row] = await this.pool.rows<AccountTableRow>(FIND_ACCOUNT, [accountId]);
    return row === undefined ? null : accountFromRow(row);
  }

  /** For each of `wanted`, in its order, the account and its history rows asked (oldest first), in one statement. */
  async accountsWithChanges(wanted: readonly ChangesWanted[]): Promise<AccountChanges[]> {
    const rows = await this.pool.rows<AccountChangesRow>(ACCOUNTS_WITH_CHANGES, [
      wanted.map((w) => w.accountId),
      wanted.map((w) => w.afterVersion),
      wanted.map((w) => w.take),
    ]);
    const reads = wanted.map(() => ({ account: null as AccountRecord | null, changes: [] as HistoryRecord[] }));
    for (const row of rows) {
      const read = required(reads[row.wanted - 1], 'the account a row answers');
      if (read.account === null && row.a_account_id !== null) read.account = accountFromRow(row);
      if (isHistoryRow(row)) read.changes.push(historyFromRow(row));
    }
    return reads;
  }

  /** Newest first, within the filter. */
  async history(accountId: string, filter: HistoryFilter, take: number): Promise<HistoryRecord[]> {
    const params: unknown[] = [accountId, take];
    const where = ['tx.account_id = $1'];
    const bind = (condition: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.beforeVersion !== null) bind((p) => `tx.version < ${p}::bigint`, filter.beforeVersion);
    if (filter.from !== undefined) bind((p) => `tx.occurred_at >= ${p}::timestamptz`, postgresInstant(filter.from, 'up'));
    if (filter.to !== undefined) bind((p) => `tx.occurred_at < ${p}::timestamptz`, postgresInstant(filter.to, 'up'));
    if (filter.type !== undefined) bind((p) => `tx.type = ${p}::text`, filter.type);
    return this.historyRows(
      `SELECT ${HISTORY_SELECT} FROM ${HISTORY} tx WHERE ${where.join(' AND ')} ORDER BY tx.version DESC LIMIT $2`,
      params,
    );
  }

  /**
   * The account as it stood at `at`: of the events that occurred at or before it (`inclusive`) or
   * strictly before it, the one with the highest version; null when none had. By version, not by
   * time, so the answer is a state the account really went through even if clocks disagreed.
   */
  async lastEventBefore(accountId: string, at: string, inclusive: boolean): Promise<HistoryRecord | null> {
    const [row] = await this.historyRows(
      `SELECT ${HISTORY_SELECT} FROM ${HISTORY} tx
        WHERE tx.account_id = $1
          AND tx.version = (SELECT max(m.version) FROM ${HISTORY} m WHERE m.account_id = $1 AND m.occurred_at ${inclusive ? '<=' : '<'} $2::timestamptz)`,
      [accountId, postgresInstant(at, inclusive ? 'down' : 'up')],
    );
    return row ?? null;
  }

  /** Oldest first, versions in (afterVersion, upToVersion]: one keyset page of a statement. */
  between(accountId: string, afterVersion: number, upToVersion: number, take: number): Promise<HistoryRecord[]> {
    return this.historyRows(
      `SELECT ${HISTORY_SELECT} FROM ${HISTORY} tx
        WHERE tx.account_id = $1 AND tx.version > $2::bigint AND tx.version <= $3::bigint
        ORDER BY tx.version ASC LIMIT $4`,
      [accountId, afterVersion, upToVersion, take],
    );
  }

  /** Credits, debits and counts of the versions in (afterVersion, upToVersion], summed by Postgres. */
  async totalsBetween(accountId: string, afterVersion: number, upToVersion: number): Promise<HistoryTotals> {
    const rows = await this.pool.rows<HistoryTotals>(
      `SELECT coalesce(sum(amount) FILTER (WHERE type = ANY($4::text[])), 0)::text AS "credits",
              coalesce(sum(amount) FILTER (WHERE type = ANY($5::text[])), 0)::text AS "debits",
              (count(*) FILTER (WHERE type = ANY($4::text[])))::text AS "creditCount",
              (count(*) FILTER (WHERE type = ANY($5::text[])))::text AS "debitCount",
              count(*)::text AS "count"
         FROM ${HISTORY}
        WHERE account_id = $1 AND version > $2::bigint AND version <= $3::bigint`,
      [accountId, afterVersion, upToVersion, typesWithEffect('credit'), typesWithEffect('debit')],
    );
    const [totals] = rows;
    if (totals === undefined) throw new Error('an aggregate returned no row');
    return totals;
  }

  /** An owner's accounts (by name or by id) in (opened_at, account_id) order, after `after` when given (keyset). */
  async byOwner(owner: OwnerFilter, after: OwnerPosition | null, take: number): Promise<OwnedAccount[]> {
    const column = 'owner' in owner ? 'a.owner' : 'a.owner_id';
    const keyset = after === null ? '' : 'AND (a.opened_at, a.account_id) > ($3::timestamptz, $4::uuid)';
    const rows = await this.pool.rows<AccountTableRow & { opened_at_exact: string }>(
      prepared(
        `SELECT ${ACCOUNT_RECORD_SELECT}, ${EXACT_OPENED_AT} FROM read_model.accounts a
          WHERE ${column} = $1::text ${keyset} ORDER BY a.opened_at ASC, a.account_id ASC LIMIT $2`,
      ),
      ['owner' in owner ? owner.owner : owner.ownerId, take, ...(after ?? [])],
    );
    return rows.map((row) => ({ account: accountFromRow(row), position: [row.opened_at_exact, row.a_account_id] }));
  }

  private async historyRows(sql: string, params: unknown[]): Promise<HistoryRecord[]> {
    const rows = await this.pool.rows<HistoryTableRow>(sql, params);
    return rows.map(historyFromRow);
  }
}
