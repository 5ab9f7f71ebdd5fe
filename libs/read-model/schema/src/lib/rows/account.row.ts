import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AccountStatus } from '@ledger/domain';
import { arrayLiteral, nullableQuoted, quotedElement } from './array-literal';

/** An account as the read model holds it; `version` is the last applied event's. */
export interface AccountView {
  readonly accountId: string;
  readonly owner: string;
  /** The opener's `sub`; null: no owner (only operators see the account). */
  readonly ownerId: string | null;
  readonly currency: string;
  readonly balance: bigint;
  /** Held by pending transfers; the available balance is `balance - reserved`. */
  readonly reserved: bigint;
  readonly status: AccountStatus;
  readonly version: number;
  readonly openedAt: Date;
  /** When the last applied event occurred: event time, so a rebuild yields the same row. */
  readonly updatedAt: Date;
  /**
   * Money that entered the ledger through this account (its opening deposit and deposits) and left it
   * (withdrawals). Transfers move money within the ledger and count in neither, so per currency the
   * sum of all balances is the sum of `totalDeposited` less the sum of `totalWithdrawn`.
   */
  readonly totalDeposited: bigint;
  readonly totalWithdrawn: bigint;
  /**
   * Events that changed the balance: deposits, withdrawals, an opening deposit above zero, and the
   * transfer legs that moved money (TransferDebited, TransferCredited, HoldPosted). Placing or
   * releasing a hold changes only `reserved` and counts not.
   */
  readonly transactionCount: number;
  /** When the last of those occurred; null while there was none. */
  readonly lastActivityAt: Date | null;
}

/**
 * `read_model.accounts` to and from an AccountView: the one mapping of the table's columns, for the
 * projection's writes, its locked reads, and the verifier's reads alike. bigint and numeric columns
 * travel as decimal strings (exact).
 */
interface Column {
  readonly name: string;
  /** As `unnest` reads the column's array. */
  readonly type: string;
  /** The view's value as an element of the column's array literal (see `accountArrays`). */
  readonly value: (view: AccountView) => string;
}

const COLUMNS: readonly Column[] = [
  { name: 'account_id', type: 'uuid', value: (v: AccountView) => v.accountId },
  { name: 'owner', type: 'text', value: (v: AccountView) => quotedElement(v.owner) },
  { name: 'owner_id', type: 'text', value: (v: AccountView) => nullableQuoted(v.ownerId) },
  { name: 'currency', type: 'text', value: (v: AccountView) => quotedElement(v.currency) },
  { name: 'balance', type: 'bigint', value: (v: AccountView) => v.balance.toString() },
  { name: 'reserved', type: 'bigint', value: (v: AccountView) => v.reserved.toString() },
  { name: 'status', type: 'text', value: (v: AccountView) => v.status },
  { name: 'version', type: 'bigint', value: (v: AccountView) => String(v.version) },
  { name: 'opened_at', type: 'timestamptz', value: (v: AccountView) => v.openedAt.toISOString() },
  { name: 'updated_at', type: 'timestamptz', value: (v: AccountView) => v.updatedAt.toISOString() },
  { name: 'total_deposited', type: 'numeric', value: (v: AccountView) => v.totalDeposited.toString() },
  { name: 'total_withdrawn', type: 'numeric', value: (v: AccountView) => v.totalWithdrawn.toString() },
  { name: 'transaction_count', type: 'bigint', value: (v: AccountView) => String(v.transactionCount) },
  { name: 'last_activity_at', type: 'timestamptz', value: (v: AccountView) => v.lastActivityAt?.toISOString() ?? 'NULL' },
];

/** As a row reads back with ACCOUNT_SELECT. */
export interface AccountRow {
  readonly account_id: string;
  readonly owner: string;
  readonly owner_id: string | null;
  readonly currency: string;
  readonly balance: string;
  readonly reserved: string;
  readonly status: AccountStatus;
  readonly version: string;
  readonly opened_at: Date;
  readonly updated_at: Date;
  readonly total_deposited: string;
  readonly total_withdrawn: string;
  readonly transaction_count: string;
  readonly last_activity_at: Date | null;
}

/** The select list that reads an AccountRow (exact numbers as text). */
export const ACCOUNT_SELECT = COLUMNS.map(({ name, type }) =>
  type === 'text' || type === 'timestamptz' ? name : `${name}::text AS ${name}`,
).join(', ');

export const ACCOUNT_COLUMN_COUNT = COLUMNS.length;

/** The column list, in the order of `accountArrays`. */
export const ACCOUNT_INSERT_COLUMNS = COLUMNS.map((column) => column.name).join(', ');

/** `unnest($n::uuid[], ...)` over `accountArrays`, its first array at parameter `first`. */
export function accountsUnnest(first: number): string {
  return `unnest(${COLUMNS.map((column, i) => `$${first + i}::${column.type}[]`).join(', ')})`;
}

/**
 * One array literal per column, in ACCOUNT_INSERT_COLUMNS order (as `transactionArrays`: only the free
 * text quoted, timestamps in ISO form, none of pg's per-element escaping and local-time formatting).
 */
export function accountArrays(views: readonly AccountView[]): string[] {
  return COLUMNS.map((column) => arrayLiteral(views.map(column.value)));
}

export function accountFromRow(row: AccountRow): AccountView {
  return {
    accountId: row.account_id,
    owner: row.owner,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: BigInt(row.balance),
    reserved: BigInt(row.reserved),
    status: row.status,
    version: Number(row.version),
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    totalDeposited: BigInt(row.total_deposited),
    totalWithdrawn: BigInt(row.total_withdrawn),
    transactionCount: Number(row.transaction_count),
    lastActivityAt: row.last_activity_at,
  };
}

/**
 * One account as the query service serves it. bigint and numeric columns arrive as decimal strings
 * (exact); the edge turns them into JSON numbers where they are safe integers. The table above, as
 * TypeORM reads it for the query service: a column added to one is added to the other here.
 */
@Entity({ schema: 'read_model', name: 'accounts' })
@Index('accounts_owner_idx', ['owner', 'openedAt', 'accountId'])
@Index('accounts_owner_id_idx', ['ownerId', 'openedAt', 'accountId'])
export class AccountEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  owner!: string;

  /** The `sub` of the token that opened the account; null: no owner, only operators see it. */
  @Column({ name: 'owner_id', type: 'text', nullable: true })
  ownerId!: string | null;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'bigint' })
  balance!: string;

  /** Held by pending transfers. */
  @Column({ type: 'bigint' })
  reserved!: string;

  @Column({ type: 'text' })
  status!: AccountStatus;

  @Column({ type: 'bigint' })
  version!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'total_deposited', type: 'numeric', precision: 38, scale: 0 })
  totalDeposited!: string;

  @Column({ name: 'total_withdrawn', type: 'numeric', precision: 38, scale: 0 })
  totalWithdrawn!: string;

  @Column({ name: 'transaction_count', type: 'bigint' })
  transactionCount!: string;

  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt!: Date | null;
}
