import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AccountStatus } from '@ledger/domain';

/**
 * One account as the query service serves it. bigint and numeric columns arrive as decimal strings
 * (exact); the edge turns them into JSON numbers where they are safe integers.
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
