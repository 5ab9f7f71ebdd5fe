import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AccountStatus } from '@ledger/domain';

/**
 * One event of an account: a money movement (amount set) or a status change (amount null).
 * `balanceAfter` and `statusAfter` are the account's state right after the event, for every event.
 */
@Entity({ schema: 'read_model', name: 'account_transactions' })
export class AccountTransactionEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn({ type: 'bigint' })
  version!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'bigint', nullable: true })
  amount!: string | null;

  @Column({ name: 'balance_after', type: 'bigint' })
  balanceAfter!: string;

  @Column({ name: 'status_after', type: 'text' })
  statusAfter!: AccountStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;
}
