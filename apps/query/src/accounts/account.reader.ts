import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { AccountEntity, AccountTransactionEntity } from '@ledger/read-model-schema';
import type { OwnerPosition } from '../cursors/cursor.codec';
import { postgresInstant } from '../edge/rfc3339';
import { typesWithEffect } from './account-event.types';
import { HISTORY_SELECT, historyFromRow, type AccountRecord, type HistoryRecord, type HistoryTableRow } from './account.record';

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

// A JavaScript Date keeps milliseconds; the keyset position must be what the row holds, exactly.
const EXACT_OPENED_AT = `to_char("account"."opened_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const RESERVED = `"account"."reserved"::text`;

const HISTORY = 'read_model.account_transactions';

/** Reads the read models, and only them. Every query is an index range. */
@Injectable()
export class AccountReader {
  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    @InjectRepository(AccountTransactionEntity) private readonly transactions: Repository<AccountTransactionEntity>,
  ) {}

  async findAccount(accountId: string): Promise<AccountRecord | null> {
    const [found] = await withReserved(this.accounts.createQueryBuilder('account').where('account.accountId = :accountId', { accountId }));
    return found?.account ?? null;
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

  /** Oldest first, strictly after `afterVersion`: what a stream has not sent yet. */
  changesAfter(accountId: string, afterVersion: number, take: number): Promise<HistoryRecord[]> {
    return this.historyRows(
      `SELECT ${HISTORY_SELECT} FROM ${HISTORY} tx WHERE tx.account_id = $1 AND tx.version > $2::bigint ORDER BY tx.version ASC LIMIT $3`,
      [accountId, afterVersion, take],
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
    const rows: HistoryTotals[] = await this.transactions.query(
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
    const query = this.accounts
      .createQueryBuilder('account')
      .where('owner' in owner ? 'account.owner = :owner' : 'account.ownerId = :ownerId', owner)
      .orderBy('account.openedAt', 'ASC')
      .addOrderBy('account.accountId', 'ASC')
      .limit(take);
    if (after !== null) {
      query.andWhere('(account.openedAt, account.accountId) > (CAST(:openedAt AS timestamptz), CAST(:accountId AS uuid))', {
        openedAt: after[0],
        accountId: after[1],
      });
    }
    return withReserved(query);
  }

  private async historyRows(sql: string, params: unknown[]): Promise<HistoryRecord[]> {
    const rows: HistoryTableRow[] = await this.transactions.query(sql, params);
    return rows.map(historyFromRow);
  }
}

/** Runs an accounts query with the columns the entity does not map: the reserved amount, and opened_at exactly. */
async function withReserved(query: SelectQueryBuilder<AccountEntity>): Promise<OwnedAccount[]> {
  query.addSelect(EXACT_OPENED_AT, 'opened_at_exact').addSelect(RESERVED, 'reserved_exact');
  const { entities, raw } = await query.getRawAndEntities<{ opened_at_exact: string; reserved_exact: string }>();
  return entities.map((account, index) => {
    const extra = raw[index];
    if (extra === undefined) throw new Error(`account ${account.accountId} came without its extra columns`);
    return { account: Object.assign(account, { reserved: extra.reserved_exact }), position: [extra.opened_at_exact, account.accountId] };
  });
}
